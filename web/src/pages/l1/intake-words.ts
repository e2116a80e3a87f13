// The hard floor in words an L1 can say back to a caller (the catalogue's labels are plural headings).
const FLOOR_PHRASES: Record<string, string> = {
  security_incident: 'a security incident',
  data_destruction: 'deleting data or wiping a device',
  financial: 'a payment or bank-details matter',
  infrastructure: 'an infrastructure problem',
  legal_hr: 'a legal or HR matter',
};

/** The heading of an out-of-scope answer: the hard floor is never for L1; other categories are the account's choice. */
export function outOfScopeTitle(category: { key: string; label: string } | null | undefined): string {
  if (!category) return 'This call is not one for the L1 desk';
  const floor = FLOOR_PHRASES[category.key];
  if (floor) return `This looks like ${floor}: L1 does not handle these`;
  return `This looks like ${category.label.toLowerCase()}: your desk does not take these calls`;
}

/** A suggestion's reason under its own title: without the title it repeats ("“Printer offline”: matched on…"). */
export function suggestionReason(title: string, reason: string): string {
  const prefix = `“${title}”: `;
  const rest = reason.startsWith(prefix) ? reason.slice(prefix.length) : reason;
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}
