// docs/signals.md shows a line of every record type; each must pass the schema it documents.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIGNAL_TYPES, signalLineSchema } from '../../shared/signals.ts';

describe('docs/signals.md', () => {
  it('has an example line of every record type, and every example passes the schema', () => {
    const doc = readFileSync(path.resolve(import.meta.dirname, '../../docs/signals.md'), 'utf8');
    const examples = [...doc.matchAll(/```json\n(.*)\n```/g)].map((match) => signalLineSchema.parse(JSON.parse(match[1]!)));
    expect(new Set(examples.map((line) => line.type))).toEqual(new Set(SIGNAL_TYPES));
    const outcomes = examples.flatMap((line) => (line.type === 'candidate_outcome' ? [line.data.outcome] : []));
    expect(outcomes).toEqual(['placed', 'left']);
  });
});
