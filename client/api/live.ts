// Live rooms (docs/live.md): the "Live now" list.
import type { LivePage } from '../../shared/live.ts';
import { request } from './http.ts';
import { ensureSession } from './session.ts';

export async function fetchLive(cursor: string | null, limit = 24, signal?: AbortSignal): Promise<LivePage> {
  await ensureSession();
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return request<LivePage>('GET', `/api/live?${query}`, signal ? { signal } : {});
}

/** Where a tile leads: the room, to watch. */
export const watchHref = (roomId: string) => `/r/${roomId}?watch=1`;

/** Lists or unlists a room (its owner only); the listing as the server now has it. */
export async function setListed(roomId: string, listed: boolean): Promise<boolean> {
  const body = await request<{ listed: boolean }>('PATCH', `/api/rooms/${encodeURIComponent(roomId)}`, { body: { listed } });
  return body.listed;
}
