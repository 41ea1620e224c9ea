import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors.ts';
import type { RateLimit, RateLimiter } from '../rate-limit.ts';
import { caller } from './auth.ts';

/**
 * Limits requests under a named bucket, per caller (the user when signed in,
 * else the IP) or per IP whoever calls (`by: 'ip'`: sign-in, where a new
 * guest per request would otherwise be a new bucket per request).
 */
export function rateLimit(limiter: RateLimiter, name: string, limit: RateLimit, by: 'caller' | 'ip' = 'caller'): RequestHandler {
  return async (req, res, next) => {
    const key = `${name}:${by === 'ip' ? ipKey(req) : callerKey(req)}`;
    if (await limiter.take(key, limit)) return next();
    res.setHeader('Retry-After', String(Math.ceil(limit.windowMs / limit.limit / 1000)));
    next(new AppError('rate_limited', 'too many requests; try again shortly'));
  };
}

function callerKey(req: Request): string {
  const user = caller(req);
  return user ? `u:${user.id}` : ipKey(req);
}

const ipKey = (req: Request) => `ip:${req.ip ?? 'unknown'}`;
