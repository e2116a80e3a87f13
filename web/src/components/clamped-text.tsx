import { useLayoutEffect, useRef, useState } from 'react';
import './clamped-text.css';

/**
 * Long free text (a 4 000-character problem) shown in a few lines with "Show all": at full length
 * it pushed the walk page's Resolve button thousands of pixels down.
 */
export function ClampedText({ text, lines = 4, className = '' }: { text: string; lines?: number; className?: string }) {
  const ref = useRef<HTMLDivElement>(null);
  const [open, setOpen] = useState(false);
  const [overflows, setOverflows] = useState(false);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setOverflows(el.scrollHeight > el.clientHeight + 1);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [text, open]);
  return (
    <div className="clamped">
      {/* dir="auto": a right-to-left statement keeps its own direction, isolated from the page's. */}
      <div
        ref={ref}
        dir="auto"
        className={`clamped-text pre-wrap ${open ? '' : 'clamped-closed'} ${className}`}
        style={open ? undefined : { WebkitLineClamp: lines }}
      >
        {text}
      </div>
      {(overflows || open) && (
        <button type="button" className="link-btn clamped-toggle" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
          {open ? 'Show less' : 'Show all'}
        </button>
      )}
    </div>
  );
}
