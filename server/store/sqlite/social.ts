import type { SocialStore } from '../social.ts';
import { SqliteCommentStore } from './comments.ts';
import type { Db } from './database.ts';
import { SqliteModerationStore } from './moderation.ts';
import { SqliteNotificationStore } from './notifications.ts';
import { SqliteGraphStore } from './social-graph.ts';

export function sqliteSocialStore(db: Db): SocialStore {
  return {
    graph: new SqliteGraphStore(db),
    comments: new SqliteCommentStore(db),
    notifications: new SqliteNotificationStore(db),
    moderation: new SqliteModerationStore(db),
  };
}
