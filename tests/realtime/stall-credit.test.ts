// Issue 18's finding 6, the stall: a server process frozen (SIGSTOP) while a
// client types at an honest rate gets all those keystrokes at once when it
// resumes; its rate budget credits the freeze, so none is dropped and the
// client is never told `rate_limited`.
import { expect, it } from 'vitest';
import { ROOTS } from '../../shared/doc-schema.ts';
import { startChildServer } from '../helpers/child-server.ts';
import { joinWithSocketIo } from '../helpers/clients.ts';
import { api, tempDir, WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { stockSocketIoClient } from '../helpers/stock-socketio.ts';

const PER_SECOND = 20;
/** Keystrokes typed while the server is frozen: twice its burst, at three quarters of its rate. */
const KEYSTROKES = 40;

it('keystrokes queued during a freeze of the server are all taken when it resumes', async () => {
  const child = await startChildServer({ DATA_DIR: tempDir(), MESSAGES_PER_SECOND: String(PER_SECOND), MESSAGE_BURST: '20' });
  const http = api(child.url);
  const owner = await http.session('Owner');
  const { room } = await http.room(owner.token);
  const typist = await stockSocketIoClient(child.url, owner.token, room.id);
  const observer = await joinWithSocketIo(child.url, owner.token, room.id);
  const pid = child.process.pid;
  if (pid === undefined) throw new Error('no child process');

  process.kill(pid, 'SIGSTOP');
  try {
    const prompt = typist.doc.getText(ROOTS.prompt);
    for (let i = 0; i < KEYSTROKES; i++) {
      prompt.insert(prompt.length, String(i % 10));
      // Paced below the budget: the burst the server will see is its own doing.
      await new Promise((r) => setTimeout(r, (1000 / PER_SECOND) * (4 / 3)));
    }
  } finally {
    process.kill(pid, 'SIGCONT');
  }
  await waitFor(() => observer.doc.getText(ROOTS.prompt).length === KEYSTROKES, WAIT_BUDGET_MS, 'every keystroke');
  expect(observer.doc.getText(ROOTS.prompt).toString()).toBe(typist.doc.getText(ROOTS.prompt).toString());
  expect(typist.errors.map((e) => e.code)).toEqual([]);
});
