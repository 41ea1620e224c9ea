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
import type { RecordStore } from '../store/records.ts';
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

export function roomRoutes(directory: RoomDirectory, _records: RecordStore, limiter: RateLimiter, createLimit: RateLimit): Router {
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
    const invites = await directory.invitesFor(room.id, role);
    res.json({ room, role, invites } satisfies GetRoomResponse);
  });

  router.patch('/api/rooms/:id', async (req, res) => {
    const me = requireCaller(req);
    const id = roomId(req.params);
    const body = parse(updateRoomBodySchema, req.body ?? {});
    const room = await directory.update(id, me.id, body);
    res.json({ room, role: 'owner' });
  });

  return router;
}
