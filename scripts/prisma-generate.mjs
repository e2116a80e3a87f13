// `prisma generate` offline. The Prisma CLI wants a native schema-engine binary before it will
// generate, and downloads one when missing, which fails without internet. Generate never runs it,
// so any existing file satisfies the check. (Never do this for migrate: it would apply nothing.)
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = path.join(root, 'node_modules', '.bin');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? path.join(root, 'package.json'),
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
  // prisma-pothos-types must be on PATH for the pothos generator.
  PATH: `${bin}${path.delimiter}${process.env.PATH}`,
};
const r = spawnSync(path.join(bin, 'prisma'), ['generate'], { cwd: root, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
