// POST /api/rooms/:id/media: an editor's image, re-encoded into the media
// store, answered as `{url, width, height}` to place as a layer.
import express, { type Request, Router } from 'express';
import { z } from 'zod';
import { canEdit, inviteCodeSchema, roomIdSchema, type UploadMediaResponse } from '../../shared/protocol.ts';
import type { Limits } from '../config.ts';
import { AppError } from '../errors.ts';
import { ingestImage } from '../media/image-ingest.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { RateLimiter } from '../rate-limit.ts';
import type { RoomDirectory } from '../rooms/directory.ts';
import { requireCaller } from './auth.ts';
import { parse } from './errors.ts';
import { rateLimit } from './rate-limit.ts';

const uploadQuery = z.object({ invite: inviteCodeSchema.optional() });
const MINUTE = 60_000;

export function uploadRoutes(directory: RoomDirectory, media: MediaStore, limiter: RateLimiter, limits: Limits): Router {
  const router = Router();
  router.post(
    '/api/rooms/:id/media',
    rateLimit(limiter, 'uploads', { limit: limits.uploadsPerMinute, windowMs: MINUTE }),
    // Who may upload is settled before a byte of the body is read.
    async (req, _res, next) => {
      await requireEditor(req, directory);
      next();
    },
    express.raw({ type: () => true, limit: limits.maxUploadBytes }),
    async (req, res) => {
      const body: unknown = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) {
        throw new AppError('bad_request', 'send the image file itself as the request body');
      }
      const image = await ingestImage(body, { maxPixels: limits.maxUploadPixels });
      const stored = await media.put(image.data, image.ext);
      res.status(201).json({ url: stored.url, width: image.width, height: image.height } satisfies UploadMediaResponse);
    },
  );
  return router;
}

async function requireEditor(req: Request, directory: RoomDirectory): Promise<void> {
  const me = requireCaller(req);
  const id = String(req.params.id);
  // A malformed id names no room: the same answer as an unknown one.
  if (!roomIdSchema.safeParse(id).success) throw new AppError('not_found', 'no such room');
  const { invite } = parse(uploadQuery, req.query);
  const { role } = await directory.resolve(id, me.id, invite, { remember: false });
  if (!canEdit(role)) throw new AppError('forbidden', 'viewers cannot upload images to this room');
}
