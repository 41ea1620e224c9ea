// What a job leaves behind: its previews as small WebP files, and its results
// as stored images and the room's candidates; and what clients see of it.
import { loadSharp } from '../media/sharp.ts';
import type { Candidate } from '../../shared/doc-schema.ts';
import type { Job, JobImage } from '../../shared/protocol.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { RoomRegistry } from '../rooms/registry.ts';
import type { JobRecord } from '../store/jobs.ts';
import type { ProviderImage } from './provider.ts';
import { appendCandidates } from './room-doc.ts';

/** Previews are for watching a job, not for keeping: small and quick to encode. */
const PREVIEW_SIDE = 384;

export async function previewWebp(data: Uint8Array): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(data)
    .resize(PREVIEW_SIDE, PREVIEW_SIDE, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 70, effort: 0 })
    .toBuffer();
}

/** Result i of job j becomes candidate `j-i`, crediting who asked for it. */
export function candidatesOf(record: JobRecord, results: readonly JobImage[], provider: string, model: string): Candidate[] {
  return results.map((result, index) => ({
    id: `${record.id}-${index}`,
    ...result,
    jobId: record.id,
    prompt: record.prompt,
    provider,
    model,
    createdBy: record.requestedBy,
  }));
}

export interface CommitDeps {
  media: MediaStore;
  registry: RoomRegistry;
  maxCandidates: number;
}

/** Stores a job's images and appends them to its room's candidates; the results as the job records them. */
export async function commitImages(
  { media, registry, maxCandidates }: CommitDeps,
  record: JobRecord,
  images: readonly ProviderImage[],
  { provider, model }: { provider: string; model: string },
): Promise<JobImage[]> {
  const results: JobImage[] = [];
  for (const image of images) {
    const stored = await media.put(image.data, image.ext);
    results.push({ src: stored.url, width: image.width, height: image.height, seed: image.seed });
  }
  const candidates = candidatesOf(record, results, provider, model);
  await registry.withRoom(record.roomId, (room) =>
    room.transact((doc) => appendCandidates(doc, candidates, maxCandidates), 'gen:result', record.requestedBy),
  );
  return results;
}

/** The wire job: the record without what only the servers need. */
export function toWire(record: JobRecord): Job {
  const { nodeId: _node, updatedAt: _updated, ...job } = record;
  return structuredClone(job);
}
