// Decoded images by URL, shared by the canvas and the thumbnails. Media URLs
// are content-addressed, so an entry never goes stale.
export interface LoadedImage {
  image: HTMLImageElement;
  width: number;
  height: number;
}

type Entry = { state: 'loading'; promise: Promise<LoadedImage | null> } | { state: 'loaded'; value: LoadedImage } | { state: 'failed' };

const MAX_ENTRIES = 200;
const entries = new Map<string, Entry>();

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
  const image = new Image();
  image.decoding = 'async';
  image.src = src;
  const promise = image.decode().then(
    () => {
      const value = { image, width: image.naturalWidth, height: image.naturalHeight };
      entries.set(src, { state: 'loaded', value });
      return value;
    },
    () => {
      entries.set(src, { state: 'failed' });
      return null;
    },
  );
  entries.set(src, { state: 'loading', promise });
  if (entries.size > MAX_ENTRIES) {
    for (const [key, value] of entries) {
      if (value.state !== 'loading') {
        entries.delete(key);
        break;
      }
    }
  }
  return promise;
}
