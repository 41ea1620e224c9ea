// Sessions as two nodes see them, over one real store: the cache spares the
// store a query per request; a revocation ends the session's connections on
// the node that made it and, through the bus, on the other; when the bus
// loses the message, the other node's sweep finds out within recheckMs.
import pino from 'pino';
import { expect, it, onTestFinished, vi } from 'vitest';
import type { SessionBus, SessionEvent } from '../../server/auth/session-bus.ts';
import { type ConnectionMatch, type OpenConnections, Sessions } from '../../server/auth/sessions.ts';
import { TokenSigner } from '../../server/auth/tokens.ts';
import type { SessionStore } from '../../server/store/sessions.ts';
import { WAIT_BUDGET_MS, waitFor } from '../helpers/server.ts';
import { tempSqliteStore } from '../helpers/stores.ts';
import { countTurns } from '../helpers/turn-counter.ts';

/** Buses of several nodes; `lose` drops messages, as Redis down would. */
function busNetwork() {
  const handlers: Array<{ bus: SessionBus; handler?: (event: SessionEvent) => void }> = [];
  const network = { lose: false, delivered: 0 };
  const bus = (): SessionBus => {
    const entry: { bus: SessionBus; handler?: (event: SessionEvent) => void } = {
      bus: {
        async publish(event) {
          if (network.lose) return;
          for (const other of handlers) {
            if (other !== entry) {
              other.handler?.(event);
              network.delivered++;
            }
          }
        },
        subscribe(handler) {
          entry.handler = handler;
        },
      },
    };
    handlers.push(entry);
    return entry.bus;
  };
  return { network, bus };
}

/** One node's open connections: sessions by connection, and what was ended. */
class FakeConnections implements OpenConnections {
  readonly open: Array<{ sessionId: string; userId: string }> = [];
  readonly ended: ConnectionMatch[] = [];
  sessionIds() {
    return this.open.map((c) => c.sessionId);
  }
  end(match: ConnectionMatch) {
    this.ended.push(match);
    const keep = this.open.filter((c) => ('sessionId' in match ? c.sessionId !== match.sessionId : c.userId !== match.userId));
    this.open.splice(0, this.open.length, ...keep);
  }
}

/** The store, counting the lookups that the cache should spare it. */
function counting(store: SessionStore): SessionStore & { lookups: number; failing: boolean } {
  const counted: SessionStore & { lookups: number; failing: boolean } = {
    lookups: 0,
    failing: false,
    createSession: (...args) => store.createSession(...args),
    migrateLegacySession: (...args) => store.migrateLegacySession(...args),
    activeSession: async (id, now) => {
      counted.lookups++;
      if (counted.failing) throw new Error('database unavailable');
      return store.activeSession(id, now);
    },
    workingSessions: (...args) => store.workingSessions(...args),
    touchSession: (...args) => store.touchSession(...args),
    listSessions: (...args) => store.listSessions(...args),
    revokeSession: (...args) => store.revokeSession(...args),
    revokeUserSessions: (...args) => store.revokeUserSessions(...args),
    pruneSessions: (...args) => store.pruneSessions(...args),
  };
  return counted;
}

async function twoNodes(recheckMs = 200) {
  const store = tempSqliteStore('atelier-sessions-');
  const { network, bus } = busNetwork();
  const tokens = new TokenSigner('a secret of at least thirty-two characters');
  const node = () => {
    const sessionStore = counting(store.sessions);
    const sessions = new Sessions({
      store: sessionStore,
      tokens,
      bus: bus(),
      recheckMs,
      ttlMs: 86_400_000,
      maxPerUser: 10,
      logger: pino({ level: 'silent' }),
    });
    const connections = new FakeConnections();
    sessions.serve(connections);
    sessions.start();
    onTestFinished(() => sessions.close());
    return { sessions, store: sessionStore, connections };
  };
  await store.records.createUser({ id: 'AnnAnnAnnAnnAnnAnnAnn1', name: 'Ann', color: '#123456', createdAt: new Date().toISOString() });
  return { a: node(), b: node(), network, userId: 'AnnAnnAnnAnnAnnAnnAnn1' };
}

it('trusts a cached session for recheckMs: one store query for many requests', async () => {
  const { a, userId } = await twoNodes(60_000);
  const { token } = await a.sessions.create(userId, 'test');
  for (let i = 0; i < 1000; i++) expect((await a.sessions.authenticate(token))?.user.id).toBe(userId);
  expect(a.store.lookups).toBe(1);
  // Forged and foreign tokens never reach the store.
  expect(await a.sessions.authenticate(`${token.slice(0, -2)}xx`)).toBeNull();
  expect(
    await a.sessions.authenticate(new TokenSigner('another deployment’s secret, 32+ characters').sign('AAAAAAAAAAAAAAAAAAAAAA')),
  ).toBeNull();
  expect(a.store.lookups).toBe(1);
});

it('a revocation ends the session’s connections on this node at once, and on the other through the bus', async () => {
  const { a, b, network, userId } = await twoNodes(60_000);
  const one = await a.sessions.create(userId, 'laptop');
  const two = await a.sessions.create(userId, 'phone');
  for (const node of [a, b]) for (const s of [one, two]) expect(await node.sessions.authenticate(s.token)).not.toBeNull();
  a.connections.open.push({ sessionId: one.sessionId, userId });
  b.connections.open.push({ sessionId: one.sessionId, userId }, { sessionId: two.sessionId, userId });
  await a.sessions.revoke(userId, one.sessionId);
  expect(network.delivered).toBe(1);
  expect(a.connections.ended).toEqual([{ sessionId: one.sessionId }]);
  expect(b.connections.ended).toEqual([{ sessionId: one.sessionId }]);
  expect(b.connections.sessionIds()).toEqual([two.sessionId]);
  // Both nodes refuse the token at once, without waiting for their caches to expire.
  expect(await a.sessions.authenticate(one.token)).toBeNull();
  expect(await b.sessions.authenticate(one.token)).toBeNull();
  expect(await b.sessions.authenticate(two.token)).not.toBeNull();
  // A user revoked (deleted, suspended): every connection of theirs, everywhere.
  await a.sessions.userRevoked(userId);
  expect(b.connections.ended.at(-1)).toEqual({ userId });
  expect(b.connections.open).toEqual([]);
});

it('when the bus loses the message, the other node’s sweep ends the connection within recheckMs', async () => {
  // The sweep's interval runs on the test's clock: recheckMs of it is recheckMs, however loaded the machine.
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  onTestFinished(() => void vi.useRealTimers());
  const { a, b, network, userId } = await twoNodes(100);
  const s = await a.sessions.create(userId, 'laptop');
  expect(await b.sessions.authenticate(s.token)).not.toBeNull();
  b.connections.open.push({ sessionId: s.sessionId, userId });
  network.lose = true;
  await a.sessions.revoke(userId, s.sessionId);
  expect(b.connections.ended).toEqual([]);
  // Only a sweep can end it (the bus lost the message, the TTL is a day): the one that comes recheckMs later.
  // (Not a short deadline on the wall clock, which a loaded machine can stretch.)
  vi.advanceTimersByTime(100);
  await waitFor(() => b.connections.ended.length === 1, WAIT_BUDGET_MS, 'the sweep');
  expect(b.connections.ended).toEqual([{ sessionId: s.sessionId }]);
  expect(await b.sessions.authenticate(s.token)).toBeNull();
});

it('sweeps in queries of at most 100 sessions, each in a turn of its own, so messages read meanwhile do not wait for them all', async () => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
  onTestFinished(() => void vi.useRealTimers());
  const { b } = await twoNodes(100);
  // Sessions the store does not know: each stopped working, and the sweep ends every one.
  for (let i = 0; i < 250; i++) b.connections.open.push({ sessionId: `gone-${i}`, userId: 'x' });
  const turn = countTurns();
  const asked: Array<{ ids: number; turn: number }> = [];
  const working = b.store.workingSessions;
  b.store.workingSessions = (ids, now) => {
    asked.push({ ids: ids.length, turn: turn() });
    return working(ids, now);
  };
  vi.advanceTimersByTime(100);
  await waitFor(() => b.connections.ended.length === 250, WAIT_BUDGET_MS, 'the sweep');
  expect(asked.map(({ ids }) => ids)).toEqual([100, 100, 50]);
  expect(new Set(asked.map(({ turn }) => turn)).size).toBe(3);
});

it('with the store away, a session seen lately goes on working and an unseen one is unavailable', async () => {
  const { a, userId } = await twoNodes(50);
  const seen = await a.sessions.create(userId, 'laptop');
  const unseen = await a.sessions.create(userId, 'phone');
  expect(await a.sessions.authenticate(seen.token)).not.toBeNull();
  a.store.failing = true;
  await new Promise((resolve) => setTimeout(resolve, 80));
  expect((await a.sessions.authenticate(seen.token))?.user.id).toBe(userId);
  await expect(a.sessions.authenticate(unseen.token)).rejects.toMatchObject({ code: 'unavailable' });
  a.store.failing = false;
  expect(await a.sessions.authenticate(unseen.token)).not.toBeNull();
});
