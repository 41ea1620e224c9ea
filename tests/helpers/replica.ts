// What a test reads off a replica of a room: its prompt, and the names its
// presence shows.
import type * as Y from 'yjs';
import { ROOTS } from '../../shared/doc-schema.ts';

export const promptOf = (doc: Y.Doc): string => doc.getText(ROOTS.prompt).toString();

/** The user names in these awareness states, sorted. */
export const names = (states: Map<number, Record<string, unknown>>): string[] =>
  [...states.values()]
    .map((s) => (s.user as { name?: string } | undefined)?.name)
    .filter((name): name is string => Boolean(name))
    .sort();
