// Live rooms: previews in "Live now" and asking to edit (Config's `live`; docs/live.md).
import { int, setting } from './setting.ts';

export const liveSettings = {
  previewMs: setting(
    'LIVE_PREVIEW_MS',
    int(250).default(3000),
    'a listed room\'s preview is re-rendered at most this often, and only while it has spectators or someone looks at "Live now"',
  ),
  previewSide: setting('LIVE_PREVIEW_SIDE', int(64, 1024).default(384), 'longest side of a live preview, in pixels'),
  spectatorIntervalMs: setting(
    'SPECTATOR_INTERVAL_MS',
    int(0, 60_000).default(200),
    "at most how often a room sends its spectators (viewers) its document's changes and its presence, each merged into one message; makers get theirs at once (`0`: each turn, after the makers')",
  ),
  spectatorWritesPerTurn: setting(
    'SPECTATOR_WRITES_PER_TURN',
    int(1).default(64),
    "spectators written to in one event-loop turn: rooms due together, or a room watched by more, go over several turns with makers' fan-out in between",
  ),
  accessSweepMs: setting(
    'ACCESS_SWEEP_MS',
    int(1000, 3_600_000).default(60_000),
    'how often a node re-reads from the store who may be in the rooms it holds, and as what (closed, deleted, blocked, granted, revoked), besides when Redis comes back',
  ),
  editRequestsPerMinute: setting(
    'EDIT_REQUESTS_PER_MINUTE',
    int(1).default(3),
    '`room:request-edit` per user and room, across all nodes (`rate_limited`)',
  ),
};
