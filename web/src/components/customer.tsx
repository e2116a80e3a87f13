import { customerLabel, NO_CUSTOMER } from '../lib/format.ts';

/**
 * "Name · contact", each part isolated (<bdi>): a right-to-left name next to a phone number would
 * otherwise reorder the digits. Whichever part is known; "No customer given" when neither is.
 */
export function CustomerLine({ name, contact }: { name: string | null | undefined; contact: string | null | undefined }) {
  const parts = [name, contact].filter((s): s is string => !!s?.trim());
  if (!parts.length) return <>{NO_CUSTOMER}</>;
  return (
    <>
      {parts.map((part, i) => (
        <span key={i}>
          {i > 0 && ' · '}
          <bdi>{part}</bdi>
        </span>
      ))}
    </>
  );
}

/** The customer's name (or "No customer given"), isolated from the text around it. */
export function CustomerName({ name }: { name: string | null | undefined }) {
  return <bdi>{customerLabel(name)}</bdi>;
}
