import os from 'node:os';
import path from 'node:path';

/**
 * Where the browser tests of one run share their built SPA. Test files run in worker processes of
 * one vitest process (their parent), whose pid names the directory; the global teardown removes it.
 */
export function spaDistDir(runnerPid = process.ppid): string {
  return path.join(os.tmpdir(), `l1-e2e-spa-${runnerPid}`);
}
