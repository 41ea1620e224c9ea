// The making-of, wired: a recorder hearing every room this node loads and
// every publish made here, and the route that serves a work's timeline.
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { PublicUser } from '../../shared/protocol.ts';
import type { Config } from '../config.ts';
import type { Gallery } from '../gallery/gallery.ts';
import { timelineRoutes } from '../http/timeline-routes.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { Store } from '../store/store.ts';
import { TimelineRecorder } from './timeline-recorder.ts';
import { Timelines } from './timelines.ts';

export interface TimelineDeps {
  registry: RoomRegistry;
  gallery: Gallery;
  store: Store;
  users: { get(id: string): Promise<PublicUser | null> };
  config: Pick<Config, 'timeline' | 'gallery'>;
  logger: Logger;
}

export function startTimeline(deps: TimelineDeps): { recorder: TimelineRecorder; router: Router } {
  const recorder = new TimelineRecorder({
    store: deps.store.timeline,
    gallery: deps.store.gallery,
    settings: deps.config.timeline,
    logger: deps.logger.child({ module: 'timeline' }),
  });
  deps.registry.events.add(recorder);
  deps.gallery.events.add(recorder);
  const timelines = new Timelines({ works: deps.gallery, gallery: deps.store.gallery, store: deps.store.timeline, users: deps.users });
  return { recorder, router: timelineRoutes(timelines, { maxAgeSeconds: deps.config.gallery.maxAgeSeconds }) };
}
