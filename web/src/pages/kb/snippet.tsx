import { splitSnippet } from '../../lib/snippet.ts';
import './snippet.css';

/** A search snippet with its matched words highlighted, built from text nodes only. */
export function Snippet({ text }: { text: string }) {
  return (
    <p className="kb-snippet">
      {splitSnippet(text).map((part, i) => (part.mark ? <mark key={i}>{part.text}</mark> : <span key={i}>{part.text}</span>))}
    </p>
  );
}
