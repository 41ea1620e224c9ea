// Two nodes and a room that a moderator can close: node A, a moderator, node B
// started once the moderator exists (MODERATORS is read at start-up), and a
// room of Ann's on node A that Bob, in it on node A three ways, has reported
// on node B. Shared by the suites that close the room while the nodes talk
// and while one of them is cut off.
import type { Atelier } from '../../server/atelier.ts';
import { type Person, person } from '../social/helpers.ts';
import type { ClusterEnv } from './cluster.ts';
import { api, startServer, type TestEnv } from './server.ts';
import { type Everywhere, everywhere } from './three-ways.ts';

export interface ReportedRoom {
  a: Atelier;
  b: Atelier;
  mod: Person;
  ann: Person;
  bob: Person;
  roomId: string;
  /** Ann, the room's owner, on node A three ways. */
  owner: Everywhere;
  /** Bob, in by the edit link, on node A three ways. */
  editor: Everywhere;
  reportId: string;
}

/** `nodeA` overrides node A's settings (say, its REDIS_URL through a gate). */
export async function reportedRoomOnTwoNodes(env: ClusterEnv, nodeA: TestEnv = {}): Promise<ReportedRoom> {
  const a = await startServer({ ...env, NODE_ID: 'node-a', ...nodeA });
  const mod = await person(a, 'Mod');
  const b = await startServer({ ...env, NODE_ID: 'node-b', MODERATORS: mod.id });
  const [ann, bob] = await Promise.all([person(a, 'Ann'), person(a, 'Bob')]);
  const { room } = await api(a.url).room(ann.token, { linkAccess: 'edit' });
  const owner = await everywhere(a, room.id, ann.token);
  const editor = await everywhere(a, room.id, bob.token);
  const { report } = await api(b.url).json<{ report: { id: string } }>('POST', '/api/reports', {
    token: bob.token,
    body: { target: { type: 'room', id: room.id }, reason: 'spam' },
  });
  return { a, b, mod, ann, bob, roomId: room.id, owner, editor, reportId: report.id };
}
