import type { SocialStore } from '../social.ts';
import { PostgresCommentStore } from './comments.ts';
import type { Pool } from './database.ts';
import { PostgresModerationStore } from './moderation.ts';
import { PostgresNotificationStore } from './notifications.ts';
import { PostgresGraphStore } from './social-graph.ts';

export function postgresSocialStore(pool: Pool): SocialStore {
  return {
    graph: new PostgresGraphStore(pool),
    comments: new PostgresCommentStore(pool),
    notifications: new PostgresNotificationStore(pool),
    moderation: new PostgresModerationStore(pool),
  };
}
