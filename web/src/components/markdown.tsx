import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import './markdown.css';

/**
 * An article's Markdown as React elements. react-markdown never renders raw HTML from the source
 * (without rehype-raw, HTML in the Markdown is dropped, `skipHtml` makes that explicit) and its
 * default URL filter drops `javascript:` and other unsafe links. Links leave the app in a new tab.
 */
export function MarkdownView({ source }: { source: string }) {
  return (
    <div className="markdown">
      <Markdown
        remarkPlugins={[remarkGfm]}
        skipHtml
        components={{
          a: ({ node: _node, ...props }) => <a {...props} target="_blank" rel="noopener noreferrer" />,
        }}
      >
        {source}
      </Markdown>
    </div>
  );
}
