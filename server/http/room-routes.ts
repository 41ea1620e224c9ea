import { Router } from 'express';
import { z } from 'zod';
import {
  type CreateRoomResponse,
  createRoomBodySchema,
  type GetRoomResponse,
  inviteCodeSchema,
  roomIdSchema,
  updateRoomBodySchema,
} from '../../shared/protocol.ts';
import { AppError } from '../errors.ts';
import type { RateLimit, RateLimiter } from '../rate-limit.ts';
import type { RoomDirectory } from '../rooms/directory.ts';
import { requireCaller } from './auth.ts';
import { parse } from './errors.ts';
import { rateLimit } from './rate-limit.ts';

const roomParams = z.object({ id: z.string() });
const roomQuery = z.object({ invite: inviteCodeSchema.optional() });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) });

function roomId(params: unknown): string {
  const { id } = parse(roomParams, params);
  // A malformed id names no room: the same answer as an unknown one.
  if (!roomIdSchema.safeParse(id).success) throw new AppError('not_found', 'no such room');
  return id;
}

/** Listing a room in "Live now" (docs/live.md). */
export interface RoomListingControl {
  setListed(roomId: string, userId: string, listed: boolean): Promise<void>;
}

export function roomRoutes(directory: RoomDirectory, listing: RoomListingControl, limiter: RateLimiter, createLimit: RateLimit): Router {
  const router = Router();

  router.post('/api/rooms', rateLimit(limiter, 'rooms', createLimit), async (req, res) => {
    const me = requireCaller(req);
    const body = parse(createRoomBodySchema, req.body ?? {});
    const created = await directory.create(me.id, body);
    res.status(201).json(created satisfies CreateRoomResponse);
  });

  router.get('/api/rooms', async (req, res) => {
    const me = requireCaller(req);
    const { limit } = parse(listQuery, req.query);
    res.json({ items: await directory.list(me.id, limit) });
  });

  router.get('/api/rooms/:id', async (req, res) => {
    const me = requireCaller(req);
    const { invite } = parse(roomQuery, req.query);
    const { room, role } = await directory.resolve(roomId(req.params), me.id, invite, { remember: false });
    const [invites, listed] = await Promise.all([directory.invitesFor(room.id, role), directory.isListed(room.id)]);
    res.json({ room, role, invites, listed } satisfies GetRoomResponse);
  });

  router.patch('/api/rooms/:id', async (req, res) => {
    const me = requireCaller(req);
    const id = roomId(req.params);
    const { listed, ...patch } = parse(updateRoomBodySchema, req.body ?? {});
    // Both are the owner's alone; each checks it. The listing first: it is the one that may refuse the owner
    // (a room a moderator closed), and a refused request must leave the title and link access as they were.
    if (listed !== undefined) await listing.setListed(id, me.id, listed);
    const room =
      patch.title !== undefined || patch.linkAccess !== undefined ? await directory.update(id, me.id, patch) : await directory.get(id);
    res.json({ room, role: 'owner', listed: await directory.isListed(id) });
  });

  return router;
}
