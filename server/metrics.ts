// Prometheus metrics of one server instance (its own registry, so tests can run
// several servers in one process).
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { TalliedCounter } from './metric-tally.ts';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'atelier_' });
  const registers = [registry];
  return {
    registry,
    connections: new Gauge({
      name: 'atelier_connections',
      help: 'Open realtime connections',
      labelNames: ['transport'] as const,
      registers,
    }),
    roomsLoaded: new Gauge({ name: 'atelier_rooms_loaded', help: 'Rooms loaded in memory', registers }),
    participants: new Gauge({ name: 'atelier_participants', help: 'Participants in loaded rooms', registers }),
    messagesIn: new TalliedCounter({
      name: 'atelier_messages_in_total',
      help: 'Realtime messages received',
      labelNames: ['transport', 'type'] as const,
      registers,
    }),
    bytesIn: new TalliedCounter({
      name: 'atelier_bytes_in_total',
      help: 'Realtime payload bytes received',
      labelNames: ['transport'] as const,
      registers,
    }),
    messagesOut: new TalliedCounter({
      name: 'atelier_messages_out_total',
      help: 'Realtime messages delivered (one per recipient)',
      labelNames: ['transport', 'type'] as const,
      registers,
    }),
    bytesOut: new TalliedCounter({
      name: 'atelier_bytes_out_total',
      help: 'Realtime payload bytes delivered (summed over recipients)',
      labelNames: ['transport'] as const,
      registers,
    }),
    errors: new Counter({
      name: 'atelier_errors_total',
      help: 'Errors returned to clients, by code',
      labelNames: ['code'] as const,
      registers,
    }),
    logAppendSeconds: new Histogram({
      name: 'atelier_log_append_seconds',
      help: 'Latency of one doc log append (a batch of updates)',
      buckets: [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1],
      registers,
    }),
    logAppendedUpdates: new Counter({
      name: 'atelier_log_appended_updates_total',
      help: 'Yjs updates appended to doc logs',
      registers,
    }),
    logFailures: new Counter({
      name: 'atelier_log_failures_total',
      help: 'Failed doc log operations',
      labelNames: ['operation'] as const,
      registers,
    }),
    compactions: new Counter({ name: 'atelier_compactions_total', help: 'Doc log compactions', registers }),
    compactionSeconds: new Histogram({
      name: 'atelier_compaction_seconds',
      help: 'Duration of one doc log compaction',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    relayMessages: new Counter({
      name: 'atelier_relay_messages_total',
      help: 'Messages between nodes through the Redis relay',
      labelNames: ['direction', 'type'] as const,
      registers,
    }),
    relayDropped: new Counter({
      name: 'atelier_relay_dropped_total',
      help: 'Relay messages not sent (Redis down) or refused (malformed)',
      labelNames: ['reason'] as const,
      registers,
    }),
    adapterDropped: new Counter({
      name: 'atelier_adapter_dropped_total',
      help: 'Room events and bus messages for other nodes dropped while Redis was away, past ADAPTER_OFFLINE_MAX_COMMANDS or _BYTES',
      registers,
    }),
    adapterDroppedBytes: new Counter({
      name: 'atelier_adapter_dropped_bytes_total',
      help: 'Bytes of the commands counted in atelier_adapter_dropped_total',
      registers,
    }),
    relayResyncs: new Counter({
      name: 'atelier_relay_resyncs_total',
      help: 'Rooms resynchronised with peers and the store after Redis came back or a peer died',
      registers,
    }),
    nodesDown: new Counter({
      name: 'atelier_nodes_down_total',
      help: 'Other nodes found dead by their missing heartbeat',
      registers,
    }),
    redisUp: new Gauge({
      name: 'atelier_redis_up',
      help: '1 while this node is connected to Redis and Redis answers (scaled mode)',
      registers,
    }),
    genJobs: new Counter({
      name: 'atelier_gen_jobs_total',
      help: 'Generation jobs finished, by provider and final status',
      labelNames: ['provider', 'status'] as const,
      registers,
    }),
    genJobSeconds: new Histogram({
      name: 'atelier_gen_job_seconds',
      help: 'Time from a job starting to run until it finished',
      labelNames: ['provider'] as const,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    genJobsActive: new Gauge({
      name: 'atelier_gen_jobs_active',
      help: 'Generation jobs on this node, waiting or running',
      labelNames: ['state'] as const,
      registers,
    }),
    httpRequests: new Counter({
      name: 'atelier_http_requests_total',
      help: 'HTTP requests by status class',
      labelNames: ['method', 'status'] as const,
      registers,
    }),
    worksPublished: new Counter({ name: 'atelier_works_published_total', help: 'Works published to the gallery', registers }),
    renderSeconds: new Histogram({
      name: 'atelier_render_seconds',
      help: 'Compositing one work (PNG, thumbnail, placeholder), queueing excluded',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    signalsRecorded: new Counter({
      name: 'atelier_signals_recorded_total',
      help: 'Creative signals stored, by type (docs/signals.md)',
      labelNames: ['type'] as const,
      registers,
    }),
    signalFailures: new Counter({ name: 'atelier_signal_failures_total', help: 'Creative signals that could not be stored', registers }),
    signalsExported: new Counter({ name: 'atelier_signals_exported_total', help: 'Signal records written by exports', registers }),
  };
}
