import path from 'node:path';
import { defineConfig } from 'vite';

const server = `http://127.0.0.1:${process.env.PORT ?? 3000}`;
// The client's own modules live in client/api/, which the dev server serves as /api/*.ts: those stay with Vite,
// every other /api request goes to the server.
const clientModule = (url: string | undefined) => (url && /^[^?]*\.ts(\?|$)/.test(url) ? url : undefined);

export default defineConfig({
  root: path.resolve(import.meta.dirname, 'client'),
  publicDir: false,
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist/client'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    // The room page's chunk holds CodeMirror, Yjs and zod (~160 KB gzipped);
    // bench/client-bundle.ts keeps it within the 250 KB budget.
    chunkSizeWarningLimit: 700,
  },
  server: {
    port: 5173,
    proxy: {
      '/api': { target: server, bypass: (req) => clientModule(req.url) },
      '/media': server,
      '/healthz': server,
      '/socket.io': { target: server, ws: true },
      '/yjs': { target: server, ws: true },
    },
  },
});
