import './char-limit.css';

/**
 * The limits the API enforces on free text, in one place for the SPA. The server refuses longer
 * input with a ValidationError; the SPA says so before sending, instead of cutting a paste short
 * with `maxLength` (which dropped everything past 4 000 characters without a word).
 */
export const LIMITS = {
  problemStatement: 4000,
  note: 20_000,
  stepNote: 4000,
} as const;

const fmt = (n: number) => n.toLocaleString('en-GB');

/** Over the limit by this many characters (0 when within it). Counted as the server counts. */
export const overBy = (value: string, max: number) => Math.max(0, value.length - max);

/** "123 / 4,000" under a text field; past the limit it says by how much, in red, and what to do. */
export function CharLimit({ id, value, max, showFrom = 0 }: { id: string; value: string; max: number; showFrom?: number }) {
  const over = overBy(value, max);
  if (!over && value.length < showFrom) return null;
  return (
    <p id={id} className={`char-count ${over ? 'char-count-over' : ''}`} aria-live="polite" data-testid={`${id}`}>
      {over
        ? `Too long by ${fmt(over)} ${over === 1 ? 'character' : 'characters'}: at most ${fmt(max)}. Shorten it before saving.`
        : `${fmt(value.length)} / ${fmt(max)}`}
    </p>
  );
}
