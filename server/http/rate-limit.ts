import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors.ts';
import type { RateLimit, RateLimiter } from '../rate-limit.ts';
import { caller } from './auth.ts';

/** Limits requests per caller (user when signed in, else IP) under a named bucket. */
export function rateLimit(limiter: RateLimiter, name: string, limit: RateLimit): RequestHandler {
  return async (req, res, next) => {
    const key = `${name}:${callerKey(req)}`;
    if (await limiter.take(key, limit)) return next();
    res.setHeader('Retry-After', String(Math.ceil(limit.windowMs / limit.limit / 1000)));
    next(new AppError('rate_limited', 'too many requests; try again shortly'));
  };
}

function callerKey(req: Request): string {
  const user = caller(req);
  return user ? `u:${user.id}` : `ip:${req.ip ?? 'unknown'}`;
}
