import Markdown from 'react-markdown';
import remarkGfm from 'remark-gfm';
import './markdown.css';

interface MdNode {
  type: string;
  depth?: number;
  value?: string;
  children?: MdNode[];
}

const textOf = (n: MdNode): string => n.value ?? (n.children ?? []).map(textOf).join('');

/**
 * The page's own <h1> is the article's title: a leading heading that repeats it is dropped, and
 * the article's headings start at <h2> (an article written with "#" sections, or with "##" under
 * its title, reads the same). One h1 per page, headings in order, for screen readers too.
 */
function fitHeadings(title: string | undefined) {
  return () => (tree: MdNode) => {
    const nodes = tree.children ?? [];
    const first = nodes[0];
    if (title && first?.type === 'heading' && textOf(first).trim() === title.trim()) nodes.shift();
    const headings = nodes.filter((n) => n.type === 'heading');
    const top = Math.min(...headings.map((h) => h.depth ?? 1));
    for (const h of headings) h.depth = Math.min(6, (h.depth ?? 1) - top + 2);
  };
}

/**
 * An article's Markdown as React elements. react-markdown never renders raw HTML from the source
 * (without rehype-raw, HTML in the Markdown is dropped, `skipHtml` makes that explicit) and its
 * default URL filter drops `javascript:` and other unsafe links. Links leave the app in a new tab.
 */
export function MarkdownView({ source, title }: { source: string; title?: string }) {
  return (
    <div className="markdown">
      <Markdown
        remarkPlugins={[remarkGfm, fitHeadings(title)]}
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
