// Fails when a hand-written source file grows past 350 lines: past that size a file is usually
// doing two jobs, and the next change to either one gets harder to review.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const LIMIT = 350;
const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'src', 'web/src'], { encoding: 'utf8' })
  .split('\n')
  .filter((f) => /\.(ts|tsx|css)$/.test(f));
const over = files
  .map((f) => ({ f, lines: readFileSync(f, 'utf8').split('\n').length - 1 }))
  .filter((x) => x.lines > LIMIT)
  .sort((a, b) => b.lines - a.lines);
for (const { f, lines } of over) console.error(`${f}: ${lines} lines (limit ${LIMIT})`);
if (over.length > 0) {
  console.error(`${over.length} source file(s) over ${LIMIT} lines`);
  process.exit(1);
}
console.log(`source files: ${files.length}, none over ${LIMIT} lines`);
