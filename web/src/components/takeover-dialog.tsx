import { Dialog } from './ui.tsx';

/**
 * Taking a call from someone changes who may act on it; ask first, and say whose call it is and
 * what happens to them (issue 18, item 8).
 */
export function TakeOverDialog({
  open,
  handlerName,
  customer,
  coverer,
  busy,
  onConfirm,
  onClose,
}: {
  open: boolean;
  handlerName: string;
  customer: string | null | undefined;
  /** The caller covers the desk: the call stays theirs until they hand it back. */
  coverer: boolean;
  busy: boolean;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog open={open} title="Take over this call?" onClose={onClose}>
      <div className="stack" data-testid="takeover-confirm">
        <p>
          This is <strong>{handlerName}</strong>’s call{customer ? ` with ${customer}` : ''}. You become its handler and {handlerName}’s
          controls go read-only.
        </p>
        <p className="muted small">
          {coverer
            ? `${handlerName} can follow along and ask for the call back; it stays yours until you hand it back.`
            : `${handlerName} is told you picked it up.`}
        </p>
        <div className="dialog-actions">
          <button type="button" className="btn btn-secondary" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={onConfirm}>
            {busy ? 'Taking over…' : 'Take over the call'}
          </button>
        </div>
      </div>
    </Dialog>
  );
}
