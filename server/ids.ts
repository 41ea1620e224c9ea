import { randomBytes } from 'node:crypto';

/** 128 random bits, URL-safe: 22 characters of base64url. */
export function randomId(): string {
  return randomBytes(16).toString('base64url');
}
