// Content-addressed image files: `<sha256>.<ext>`, written atomically (temp
// file + rename), so identical images are stored once and never change.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';

export const MEDIA_TYPES = {
  png: 'image/png',
  webp: 'image/webp',
  jpg: 'image/jpeg',
} as const;
export type MediaExt = keyof typeof MEDIA_TYPES;

/** The only names the store has; anything else can never reach the disk. */
export const MEDIA_FILE_PATTERN = /^([0-9a-f]{64})\.(png|webp|jpg)$/;
export const MEDIA_URL_PREFIX = '/media/';

export interface StoredMedia {
  file: string;
  /** `/media/<file>`: what layers and candidates hold as `src`. */
  url: string;
  bytes: number;
}

export interface MediaStore {
  put(data: Uint8Array, ext: MediaExt): Promise<StoredMedia>;
  /** The file's bytes, or null when the name is not a media file or is absent. */
  read(file: string): Promise<Buffer | null>;
  /** Bytes behind a `/media/…` URL, or null. */
  readUrl(url: string): Promise<Buffer | null>;
  /** Absolute path of a stored file, or null. */
  locate(file: string): Promise<string | null>;
  /**
   * Removes a file; true when it was there. Only for files nothing else can
   * share (content addressing dedupes equal bytes): live previews, whose bytes
   * carry their room.
   */
  delete(file: string): Promise<boolean>;
}

export function parseMediaFile(file: string): { hash: string; ext: MediaExt } | null {
  const match = MEDIA_FILE_PATTERN.exec(file);
  const [, hash, ext] = match ?? [];
  return hash && ext ? { hash, ext: ext as MediaExt } : null;
}

export class FileMediaStore implements MediaStore {
  readonly #dir: string;

  constructor(dir: string) {
    this.#dir = dir;
    mkdirSync(dir, { recursive: true });
  }

  async put(data: Uint8Array, ext: MediaExt): Promise<StoredMedia> {
    const hash = createHash('sha256').update(data).digest('hex');
    const file = `${hash}.${ext}`;
    const target = path.join(this.#dir, file);
    const stored = { file, url: MEDIA_URL_PREFIX + file, bytes: data.byteLength };
    if (await exists(target)) return stored;
    const temp = path.join(this.#dir, `.${file}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temp, data, { flag: 'wx' });
      await rename(temp, target);
    } catch (err) {
      await unlink(temp).catch(() => undefined);
      throw err;
    }
    return stored;
  }

  async read(file: string): Promise<Buffer | null> {
    const located = await this.locate(file);
    return located ? readFile(located) : null;
  }

  async readUrl(url: string): Promise<Buffer | null> {
    if (!url.startsWith(MEDIA_URL_PREFIX)) return null;
    return this.read(url.slice(MEDIA_URL_PREFIX.length));
  }

  async locate(file: string): Promise<string | null> {
    if (!parseMediaFile(file)) return null;
    const full = path.join(this.#dir, file);
    return (await exists(full)) ? full : null;
  }

  async delete(file: string): Promise<boolean> {
    if (!parseMediaFile(file)) return false;
    try {
      await unlink(path.join(this.#dir, file));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}
