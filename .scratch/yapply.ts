import * as Y from 'yjs';
import { keystrokeUpdate } from '../bench/peers/lib/keystrokes.ts';
const ROOMS = 100, CLIENTS = 10, N = 200;
const mode = process.argv[2] ?? 'bare';
const docs = Array.from({ length: ROOMS }, () => new Y.Doc());
if (mode !== 'bare') for (const d of docs) d.on('update', () => {});
if (mode === 'after') for (const d of docs) { d.on('update', () => {}); d.on('afterTransaction', () => {}); }
const clients = Array.from({ length: ROOMS * CLIENTS }, (_, i) => 1000 + i);
const t0 = process.cpuUsage();
let n = 0;
for (let k = 0; k < N; k++) for (let r = 0; r < ROOMS; r++) for (let c = 0; c < CLIENTS; c++) {
  Y.applyUpdate(docs[r], keystrokeUpdate(clients[r * CLIENTS + c], k), { x: 1 });
  n++;
}
const u = process.cpuUsage(t0);
console.log(mode, ((u.user + u.system) / n).toFixed(2), 'µs per applyUpdate', n);
