// What a job leaves behind: its previews as small WebP files, and its results
// as the room's candidates.
import { loadSharp } from '../media/sharp.ts';
import type { Candidate } from '../../shared/doc-schema.ts';
import type { JobImage } from '../../shared/protocol.ts';
import type { JobRecord } from '../store/jobs.ts';

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
