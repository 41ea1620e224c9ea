// Decoded images by URL for the canvas: fetched and decoded off the main
// thread into ImageBitmaps, plus smaller copies (halvings) so that drawing a
// large image small stays cheap while a layer is dragged. Media URLs are
// content-addressed, so an entry never goes stale.
export interface LoadedImage {
  bitmap: ImageBitmap;
  width: number;
  height: number;
}

type Entry =
  | { state: 'loading'; promise: Promise<LoadedImage | null> }
  | { state: 'loaded'; value: LoadedImage; levels: Map<number, ImageBitmap | 'pending'> }
  | { state: 'failed' };

const MAX_ENTRIES = 120;
const entries = new Map<string, Entry>();
const listeners = new Set<() => void>();

/** Called whenever an image or a smaller copy becomes ready. */
export function onImageReady(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function ready(): void {
  for (const listener of listeners) listener();
}

/** The image if it is decoded already, else null (and its loading starts). */
export function peekImage(src: string): LoadedImage | null {
  const entry = entries.get(src);
  if (entry?.state === 'loaded') return entry.value;
  if (!entry) void loadImage(src);
  return null;
}

export function imageFailed(src: string): boolean {
  return entries.get(src)?.state === 'failed';
}

export function loadImage(src: string): Promise<LoadedImage | null> {
  const entry = entries.get(src);
  if (entry?.state === 'loaded') return Promise.resolve(entry.value);
  if (entry?.state === 'loading') return entry.promise;
  if (entry?.state === 'failed') return Promise.resolve(null);
  const promise = decode(src).then(
    (bitmap) => {
      const value = { bitmap, width: bitmap.width, height: bitmap.height };
      performance.mark('atelier:image-decoded');
      entries.set(src, { state: 'loaded', value, levels: new Map() });
      evict();
      ready();
      return value;
    },
    () => {
      entries.set(src, { state: 'failed' });
      ready();
      return null;
    },
  );
  entries.set(src, { state: 'loading', promise });
  return promise;
}

async function decode(src: string): Promise<ImageBitmap> {
  const res = await fetch(src);
  if (!res.ok) throw new Error(`${res.status}`);
  return createImageBitmap(await res.blob());
}

/**
 * The copy to draw when the image will cover `widthPx` device pixels: the
 * smallest halving still at least that wide (started in the background; the
 * full image stands in until it is ready).
 */
export function imageForWidth(src: string, widthPx: number, options: { waitForCopy?: boolean } = {}): CanvasImageSource | null {
  const entry = entries.get(src);
  if (entry?.state !== 'loaded') {
    if (!entry) void loadImage(src);
    return null;
  }
  const { bitmap, width, height } = entry.value;
  let level = 0;
  while (width / 2 ** (level + 1) >= widthPx && width / 2 ** (level + 1) >= 64) level++;
  if (level === 0) return bitmap;
  const cached = entry.levels.get(level);
  if (cached instanceof ImageBitmap) return cached;
  if (cached === undefined) {
    entry.levels.set(level, 'pending');
    createImageBitmap(bitmap, {
      resizeWidth: Math.max(1, Math.round(width / 2 ** level)),
      resizeHeight: Math.max(1, Math.round(height / 2 ** level)),
      resizeQuality: 'high',
    }).then(
      (small) => {
        entry.levels.set(level, small);
        ready();
      },
      () => entry.levels.delete(level),
    );
  }
  // Until the smaller copy is ready, the nearest one made so far (or nothing).
  if (options.waitForCopy) return null;
  for (let l = level - 1; l > 0; l--) {
    const other = entry.levels.get(l);
    if (other instanceof ImageBitmap) return other;
  }
  return bitmap;
}

function evict(): void {
  if (entries.size <= MAX_ENTRIES) return;
  for (const [key, value] of entries) {
    if (value.state === 'loading') continue;
    if (value.state === 'loaded') {
      value.value.bitmap.close();
      for (const level of value.levels.values()) if (level instanceof ImageBitmap) level.close();
    }
    entries.delete(key);
    if (entries.size <= MAX_ENTRIES) return;
  }
}
