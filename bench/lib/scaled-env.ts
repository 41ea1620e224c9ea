// What `--nodes N` needs: one PostgreSQL database and one Redis key prefix of
// the run's own, shared by every node, removed afterwards.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createClient } from 'redis';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export interface ScaledEnv {
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function createScaledEnv(redisUrl = DEFAULT_REDIS_URL, databaseUrl = DEFAULT_DATABASE_URL): Promise<ScaledEnv> {
  const run = randomBytes(4).toString('hex');
  const database = `atelier_bench_${run}`;
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const url = new URL(databaseUrl);
  url.pathname = `/${database}`;
  const prefix = `atelier-bench:${run}:`;
  return {
    env: {
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      DATABASE_URL: url.toString(),
      SESSION_SECRET: randomBytes(32).toString('base64url'),
    },
    async cleanup() {
      const dropper = new pg.Client({ connectionString: databaseUrl });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await dropper.end();
      const redis = createClient({ url: redisUrl });
      await redis.connect();
      for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
        if (keys.length > 0) await redis.del(keys);
      }
      redis.destroy();
    },
  };
}
