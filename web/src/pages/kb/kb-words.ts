import type { KbFormat, KbSource } from '../../gql/graphql.ts';
// The category catalogue is code (DESIGN §13), a module with no imports: the SPA offers the same list
// the API checks against instead of a copy. The `l1Categories` query is for account managers only,
// and engineers file articles too.
import { HARD_FLOOR, L1_CATEGORIES } from '../../../../src/services/categories/catalogue.ts';

export const SOURCE_LABELS: Record<KbSource, string> = {
  PASTE: 'Pasted in',
  UPLOAD: 'Uploaded file',
  IT_GLUE: 'IT Glue',
  HUDU: 'Hudu',
  MS_GRAPH: 'Microsoft 365',
};

export const FORMAT_LABELS: Record<KbFormat, string> = {
  MARKDOWN: 'Markdown',
  HTML: 'HTML',
  TEXT: 'Plain text',
};

export const CATEGORY_CHOICES = {
  desk: L1_CATEGORIES.map((c) => ({ key: c.key, label: c.label })),
  engineers: HARD_FLOOR.map((c) => ({ key: c.key, label: c.label })),
};

/** The file types the import accepts, as the picker's `accept` and for the check before sending. */
export const IMPORT_EXTENSIONS = ['.md', '.markdown', '.html', '.htm', '.txt'] as const;

export function hasImportExtension(name: string): boolean {
  const lower = name.toLowerCase();
  return IMPORT_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** 5 242 880 → "5 MB", 1536 → "1.5 KB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${+(n / 1024).toFixed(1)} KB`;
  return `${+(n / (1024 * 1024)).toFixed(1)} MB`;
}
