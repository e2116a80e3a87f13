/**
 * A title made from free text (a ticket's problem statement): its first line, cut at a word
 * boundary to at most `max` characters with an ellipsis. Lists, the coverage board and flow titles
 * show it on one line; the full text stays on the ticket.
 */
export function shortTitle(text: string, max = 80): string {
  const line = text.trim().split(/\r?\n/, 1)[0]!.replace(/\s+/g, ' ').trim();
  // Count code points, not UTF-16 units, so a cut never splits an emoji or a surrogate pair.
  const chars = Array.from(line);
  if (chars.length <= max) return line;
  const head = chars.slice(0, max - 1).join('');
  const space = head.lastIndexOf(' ');
  // Cut at the last word boundary unless that throws away most of the room (one very long word).
  const cut = space >= max / 2 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,.;:!?-]+$/u, '')}…`;
}
