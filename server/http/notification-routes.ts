// A user's notifications and which types they muted (docs/social.md).
import { Router } from 'express';
import type { NotificationPage, NotificationSettings } from '../../shared/social.ts';
import { markReadSchema, notificationSettingsSchema } from '../../shared/social-schemas.ts';
import type { Notifications } from '../social/notifications.ts';
import { requireCaller } from './auth.ts';
import { parse } from './errors.ts';
import { pageQuery } from './social-params.ts';

const listQuery = pageQuery(20);

export function notificationRoutes(notifications: Notifications): Router {
  const router = Router();

  router.get('/api/notifications', async (req, res) => {
    const me = requireCaller(req);
    const { limit, cursor } = parse(listQuery, req.query);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json((await notifications.page(me.id, limit, cursor)) satisfies NotificationPage);
  });

  router.post('/api/notifications/read', async (req, res) => {
    const me = requireCaller(req);
    const { upTo } = parse(markReadSchema, req.body ?? {});
    res.json(await notifications.markRead(me.id, upTo));
  });

  router.get('/api/notifications/settings', async (req, res) => {
    const me = requireCaller(req);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json((await notifications.settings(me.id)) satisfies NotificationSettings);
  });

  router.put('/api/notifications/settings', async (req, res) => {
    const me = requireCaller(req);
    const { muted } = parse(notificationSettingsSchema, req.body ?? {});
    res.json((await notifications.mute(me.id, muted)) satisfies NotificationSettings);
  });

  return router;
}
