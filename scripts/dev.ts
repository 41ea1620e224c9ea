// Development: the server restarting on change, and Vite's dev server (hot
// reload, http://127.0.0.1:5173) proxying the API and realtime to it.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { createServer } from 'vite';

const root = path.resolve(import.meta.dirname, '..');
const server = spawn(process.execPath, ['--watch-path=server', '--watch-path=shared', 'server/main.ts'], {
  cwd: root,
  stdio: 'inherit',
  env: { LOG_LEVEL: 'debug', ...process.env },
});
const vite = await createServer({ configFile: path.join(root, 'vite.config.ts') });
await vite.listen();
vite.printUrls();

const stop = async () => {
  server.kill('SIGTERM');
  await vite.close();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
server.on('exit', (code) => {
  if (code !== null && code !== 0) process.stderr.write(`server exited with ${code}; fix it and save to restart\n`);
});
