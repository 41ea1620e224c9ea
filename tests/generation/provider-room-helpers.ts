// A real server with one provider's fake behind it, its log lines kept so a
// test can look for secrets in them, and two participants in a room: one who
// starts jobs, one who only watches.
import { Writable } from 'node:stream';
import pino from 'pino';
import { onTestFinished } from 'vitest';
import { type Atelier, startAtelier } from '../../server/atelier.ts';
import { loadConfig } from '../../server/config.ts';
import { joinWithSocketIo, type SocketParticipant } from '../helpers/clients.ts';
import { api, type TestEnv, tempDir } from '../helpers/server.ts';
import { type Updates, watchJobs } from './helpers.ts';

export interface LoggedServer {
  server: Atelier;
  /** Every log line the server wrote, at every level. */
  logs: string[];
}

export async function startLoggedServer(env: TestEnv): Promise<LoggedServer> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), LOG_LEVEL: 'trace', ROOM_UNLOAD_GRACE_MS: '100', ...env });
  const server = await startAtelier(config, pino({ level: 'trace' }, sink));
  onTestFinished(() => server.close());
  return { server, logs };
}

export interface ProviderRoom extends LoggedServer {
  roomId: string;
  ann: SocketParticipant;
  bob: SocketParticipant;
  annUpdates: Updates;
  bobUpdates: Updates;
  annId: string;
}

export async function providerRoom(env: TestEnv): Promise<ProviderRoom> {
  const logged = await startLoggedServer(env);
  const http = api(logged.server.url);
  const annSession = await http.session('Ann');
  const bobSession = await http.session('Bob');
  const { room } = await http.room(annSession.token, { title: 'Studio' });
  const ann = await joinWithSocketIo(logged.server.url, annSession.token, room.id);
  const bob = await joinWithSocketIo(logged.server.url, bobSession.token, room.id);
  return {
    ...logged,
    roomId: room.id,
    ann,
    bob,
    annUpdates: watchJobs(ann.socket),
    bobUpdates: watchJobs(bob.socket),
    annId: annSession.user.id,
  };
}
