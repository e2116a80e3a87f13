// `npm run dev`: the API (restarting on change) and Vite with hot reload, side by side.
import { spawn } from 'node:child_process';

const procs = [
  spawn('npx', ['tsx', 'watch', 'src/main.ts'], {
    stdio: 'inherit',
    env: { NODE_ENV: 'development', ...process.env, WEB_DIST_DIR: '/nonexistent' },
  }),
  spawn('npx', ['vite', '--config', 'web/vite.config.ts'], { stdio: 'inherit' }),
];
const stop = () => {
  for (const p of procs) p.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const p of procs)
  p.on('exit', (code) => {
    if (code) stop();
  });
