// `npm test` runs browser tests in Debian's Chromium. A fresh machine may not have it: as root with
// apt-get, install it (about a minute, once); otherwise stop with the one command that fixes it.
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';

const DEFAULT = '/usr/bin/chromium';
const configured = process.env.CHROMIUM_PATH;

function executable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function fail(message) {
  process.stderr.write(`\nnpm test: ${message}\n\n`);
  process.exit(1);
}

if (configured) {
  if (!executable(configured))
    fail(`CHROMIUM_PATH is ${configured}, which is not an executable file. Point it at Chromium, or unset it to use ${DEFAULT}.`);
  process.exit(0);
}
if (executable(DEFAULT)) process.exit(0);

const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
if (process.getuid?.() === 0 && hasApt) {
  process.stdout.write('npm test: Chromium is missing; installing it for the browser tests (apt-get install chromium, once)…\n');
  try {
    execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'] });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  } catch {
    // Reported below.
  }
  if (existsSync(DEFAULT)) process.exit(0);
  fail('installing Chromium with apt-get failed (see above). Install it with `apt-get install -y chromium`, then run npm test again.');
}
fail(
  hasApt
    ? 'the browser tests need Chromium. Install it with `sudo apt-get install -y chromium`, then run npm test again (or set CHROMIUM_PATH to a Chromium binary).'
    : 'the browser tests need Chromium. Install it, then run npm test again with CHROMIUM_PATH set to its binary (on Debian or Ubuntu: `sudo apt-get install -y chromium`).',
);
