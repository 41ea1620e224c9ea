// The live board (server/live/board.ts) in Redis, so every node lists every
// node's rooms: a hash of entries (room and node → JSON, each with its own
// expiry, since a hash field cannot expire on its own everywhere), a hash of
// previews, a key per room naming who renders it this period, and a key
// saying someone looks at "Live now". A preview goes with its room's removal,
// or with the room's last entry when that expires (its holder died, or its
// removal was lost: last-known-board.ts).
import type { Logger } from 'pino';
import { z } from 'zod';
import type { LiveEntry, LivePreview, SharedLiveBoard } from '../live/board.ts';
import type { Redis } from './redis-client.ts';
import { RedisScript } from './redis-script.ts';

/** KEYS[1] the entries, KEYS[2] the previews; ARGV room ids. Deletes the preview of each room no entry names. */
const FORGET_PREVIEWS = new RedisScript(`
local held = {}
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  held[string.match(field, '^[^ ]*')] = true
end
local gone = 0
for _, room in ipairs(ARGV) do
  if not held[room] then gone = gone + redis.call('HDEL', KEYS[2], room) end
end
return gone
`);

const userSchema = z.object({
  id: z.string(),
  name: z.string(),
  color: z.string(),
  handle: z.string().optional(),
  avatarUrl: z.string().optional(),
});
const entrySchema = z.object({
  roomId: z.string(),
  nodeId: z.string(),
  room: z.object({
    id: z.string(),
    title: z.string(),
    ownerId: z.string(),
    linkAccess: z.enum(['edit', 'view', 'none']),
    createdAt: z.string(),
    remixOf: z.string().nullable(),
  }),
  participants: z.array(userSchema),
  spectators: z.number(),
  viewerIds: z.array(z.string()),
  updatedAt: z.number(),
  expiresAt: z.number(),
});
const previewSchema = z.object({ url: z.string(), key: z.string(), renderedAt: z.number(), previous: z.string().optional() });

export class RedisLiveBoard implements SharedLiveBoard {
  readonly #redis: Redis;
  readonly #keys;
  readonly #logger: Logger;
  /** Always Redis's answer, waiting for it: LastKnownBoard answers from memory instead while it is away. */
  readonly stale = false;

  constructor(redis: Redis, prefix: string, logger: Logger) {
    this.#redis = redis;
    this.#logger = logger;
    this.#keys = {
      entries: `${prefix}live:entries`,
      previews: `${prefix}live:previews`,
      render: (roomId: string) => `${prefix}live:render:${roomId}`,
      demand: `${prefix}live:demand`,
    };
  }

  async put(entry: LiveEntry): Promise<void> {
    await this.#redis.hSet(this.#keys.entries, `${entry.roomId} ${entry.nodeId}`, JSON.stringify(entry));
  }

  async remove(roomId: string, nodeId?: string): Promise<void> {
    if (nodeId !== undefined) {
      await this.#redis.hDel(this.#keys.entries, `${roomId} ${nodeId}`);
      return;
    }
    const fields = (await this.#redis.hKeys(this.#keys.entries)).filter((field) => field.startsWith(`${roomId} `));
    if (fields.length > 0) await this.#redis.hDel(this.#keys.entries, fields);
    await this.#redis.hDel(this.#keys.previews, roomId);
  }

  async entries(now: number): Promise<LiveEntry[]> {
    const all = await this.#redis.hGetAll(this.#keys.entries);
    const live: LiveEntry[] = [];
    const expired: string[] = [];
    for (const [field, text] of Object.entries(all)) {
      const entry = this.#parse(entrySchema, text);
      if (entry && entry.expiresAt > now) live.push(entry);
      else expired.push(field);
    }
    // A node that died cannot remove its own entries: whoever reads next does, and the previews of rooms left without any.
    if (expired.length > 0) {
      await this.#redis.hDel(this.#keys.entries, expired);
      await this.forgetPreviews([...new Set(expired.map((field) => field.split(' ', 1)[0] ?? field))]);
    }
    return live;
  }

  async forgetPreviews(roomIds: readonly string[]): Promise<void> {
    if (roomIds.length > 0) await FORGET_PREVIEWS.run(this.#redis, [this.#keys.entries, this.#keys.previews], [...roomIds]);
  }

  async preview(roomId: string): Promise<LivePreview | null> {
    const text = await this.#redis.hGet(this.#keys.previews, roomId);
    return text ? this.#parse(previewSchema, text) : null;
  }

  async previews(roomIds: readonly string[]): Promise<Map<string, LivePreview>> {
    const found = new Map<string, LivePreview>();
    if (roomIds.length === 0) return found;
    const texts = await this.#redis.hmGet(this.#keys.previews, [...roomIds]);
    roomIds.forEach((id, i) => {
      const text = texts[i];
      const preview = text ? this.#parse(previewSchema, text) : null;
      if (preview) found.set(id, preview);
    });
    return found;
  }

  async setPreview(roomId: string, preview: LivePreview): Promise<void> {
    await this.#redis.hSet(this.#keys.previews, roomId, JSON.stringify(preview));
  }

  async claimRender(roomId: string, nodeId: string, ttlMs: number): Promise<boolean> {
    return (await this.#redis.set(this.#keys.render(roomId), nodeId, { NX: true, PX: ttlMs })) === 'OK';
  }

  async markDemand(until: number): Promise<void> {
    const ttl = until - Date.now();
    if (ttl > 0) await this.#redis.set(this.#keys.demand, String(until), { PX: ttl });
  }

  async demanded(): Promise<boolean> {
    return (await this.#redis.exists(this.#keys.demand)) === 1;
  }

  #parse<T>(schema: z.ZodType<T>, text: string): T | null {
    try {
      return schema.parse(JSON.parse(text));
    } catch (err) {
      this.#logger.warn({ err }, 'malformed live board value ignored');
      return null;
    }
  }
}
