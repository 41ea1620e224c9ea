// A minimal page until the full client lands: start a room, share its link,
// and co-edit its prompt.
import { io } from 'socket.io-client';
import * as Y from 'yjs';
import { ROOTS } from '../shared/doc-schema.ts';
import type { CreateRoomResponse, SessionResponse } from '../shared/protocol.ts';
import { type AtelierClientSocket, SocketIoProvider } from './realtime/socketio-provider.ts';

const app = document.getElementById('app')!;
const TOKEN_KEY = 'atelier.token';

async function session(): Promise<string> {
  const saved = localStorage.getItem(TOKEN_KEY);
  if (saved) {
    const res = await fetch('/api/session', { headers: { Authorization: `Bearer ${saved}` } });
    if (res.ok) return saved;
  }
  const res = await fetch('/api/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
  const body = (await res.json()) as SessionResponse;
  localStorage.setItem(TOKEN_KEY, body.token);
  return body.token;
}

function home(): void {
  app.innerHTML = `<h1>Atelier</h1><p>Write an image prompt together, live.</p><button id="start">Start a room</button>`;
  document.getElementById('start')!.addEventListener('click', async () => {
    const token = await session();
    const res = await fetch('/api/rooms', {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    const { room } = (await res.json()) as CreateRoomResponse;
    location.assign(`/r/${room.id}`);
  });
}

async function room(roomId: string): Promise<void> {
  const token = await session();
  app.innerHTML = `<h1>Atelier</h1><p id="status">Connecting…</p>
    <label>Prompt<br><textarea id="prompt" rows="6" cols="60"></textarea></label>`;
  const status = document.getElementById('status')!;
  const area = document.getElementById('prompt') as HTMLTextAreaElement;
  const socket: AtelierClientSocket = io({ auth: { token } });
  const doc = new Y.Doc();
  const invite = new URLSearchParams(location.search).get('invite') ?? undefined;
  const provider = new SocketIoProvider(socket, roomId, doc, invite ? { invite } : {});
  const prompt = doc.getText(ROOTS.prompt);
  provider.on('status', (s) => (status.textContent = s));
  provider.on('joined', ({ role }) => (area.readOnly = role === 'viewer'));
  prompt.observe(() => {
    if (area.value !== prompt.toString()) area.value = prompt.toString();
  });
  area.addEventListener('input', () => {
    // Replace the changed middle section only, so concurrent edits elsewhere survive.
    const before = prompt.toString();
    const after = area.value;
    let start = 0;
    while (start < before.length && start < after.length && before[start] === after[start]) start++;
    let end = 0;
    while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
    doc.transact(() => {
      prompt.delete(start, before.length - start - end);
      prompt.insert(start, after.slice(start, after.length - end));
    });
  });
}

const match = location.pathname.match(/^\/r\/([A-Za-z0-9_-]+)/);
if (match) void room(match[1]!);
else home();
