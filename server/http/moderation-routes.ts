// Reports, the moderation queue, actions and the audit log (docs/social.md).
import { Router } from 'express';
import { z } from 'zod';
import { type AuditPage, type ModerationPage, REPORT_STATUSES, type Report } from '../../shared/social.ts';
import { moderationActionSchema, newReportSchema } from '../../shared/social-schemas.ts';
import type { Moderation } from '../social/moderation.ts';
import { requireCaller } from './auth.ts';
import { parse } from './errors.ts';
import { idParam, pageQuery } from './social-params.ts';

const queueQuery = pageQuery(20).extend({ status: z.enum(REPORT_STATUSES).default('open') });
const auditQuery = pageQuery(50);

export function moderationRoutes(moderation: Moderation): Router {
  const router = Router();

  router.post('/api/reports', async (req, res) => {
    const me = requireCaller(req);
    const body = parse(newReportSchema, req.body ?? {});
    res.status(201).json({ report: (await moderation.report(me.id, body)) satisfies Report });
  });

  /** Whether the caller moderates, `{moderator}`: an answer, not a 403, so the client can ask without an error. */
  router.get('/api/moderation', async (req, res) => {
    const me = requireCaller(req);
    const moderator = await moderation.isModerator(me.id);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json({ moderator });
  });

  router.get('/api/moderation/reports', async (req, res) => {
    const me = requireCaller(req);
    const { status, limit, cursor } = parse(queueQuery, req.query);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json((await moderation.queue(me.id, status, limit, cursor)) satisfies ModerationPage);
  });

  router.post('/api/moderation/reports/:id', async (req, res) => {
    const me = requireCaller(req);
    const id = idParam(req.params, 'report');
    const { action } = parse(moderationActionSchema, req.body ?? {});
    res.json({ report: (await moderation.act(me.id, id, action)) satisfies Report });
  });

  router.get('/api/moderation/audit', async (req, res) => {
    const me = requireCaller(req);
    const { limit, cursor } = parse(auditQuery, req.query);
    res.setHeader('Cache-Control', 'private, no-store');
    res.json((await moderation.audit(me.id, limit, cursor)) satisfies AuditPage);
  });

  return router;
}
