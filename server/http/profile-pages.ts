// `/u/:handle`: a profile as a page (OpenGraph tags, readable content), the
// canonical address being the user's current handle.
import path from 'node:path';
import { type Request, Router } from 'express';
import { PROFILE_WORKS_PAGE_DEFAULT } from '../../shared/accounts.ts';
import { profilePage, profilePath } from '../accounts/profile-page.ts';
import type { Profiles } from '../accounts/profiles.ts';
import { AppError } from '../errors.ts';
import type { Gallery } from '../gallery/gallery.ts';
import { missingPage, renderPage } from '../gallery/work-page.ts';
import { CLIENT_DIST } from './client-routes.ts';
import { clientShell } from './client-shell.ts';

export interface ProfilePagesOptions {
  publicUrl: string | undefined;
  maxAgeSeconds: number;
  distDir?: string;
}

export function profilePages(profiles: Profiles, gallery: Gallery, options: ProfilePagesOptions): Router {
  const router = Router();
  const indexFile = path.join(options.distDir ?? CLIENT_DIST, 'index.html');
  const shell = clientShell(indexFile);
  const base = (req: Request) => options.publicUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;

  router.get('/u/:handle', async (req, res) => {
    const given = String(req.params.handle);
    res.type('html');
    try {
      if (given.length > 64) throw new AppError('not_found', 'no such user');
      const profile = await profiles.profile(given, null);
      const canonical = profilePath(profile.user);
      // An id, a look-alike or a handle its owner changed: send links to the current address.
      if (canonical !== `/u/${encodeURIComponent(given)}`) {
        res.setHeader('Cache-Control', 'no-cache');
        res.redirect(301, canonical);
        return;
      }
      const works = await gallery.byAuthor(profile.user.id, { limit: PROFILE_WORKS_PAGE_DEFAULT, viewer: null });
      res.setHeader('Cache-Control', `public, max-age=${options.maxAgeSeconds}`);
      res.send(renderPage(shell(), profilePage(profile, works, base(req))));
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'not_found') throw err;
      res.setHeader('Cache-Control', 'no-cache');
      res
        .status(404)
        .send(renderPage(shell(), missingPage('There is no one here: the account may have been deleted, or its handle changed long ago.')));
    }
  });

  return router;
}
