// The role the access sweep gives someone already in a room, from the store:
// what a lost grant or revoke would have made them, and nothing a live grant,
// a live revoke or the room's link already settled (so a sweep after them
// changes nobody).
import { describe, expect, it } from 'vitest';
import { storedRole } from '../../server/live/stored-role.ts';
import type { RoomRoles } from '../../server/store/live.ts';
import type { LinkAccess } from '../../shared/protocol.ts';

const JOINED = 1_000_000;
const editor = { role: 'editor', joinedAt: JOINED } as const;
const viewer = { role: 'viewer', joinedAt: JOINED } as const;

const room = (
  linkAccess: LinkAccess,
  members: Record<string, 'editor' | 'viewer'> = {},
  revoked: Record<string, number> = {},
): RoomRoles => ({
  linkAccess,
  members: new Map(Object.entries(members)),
  revoked: new Map(Object.entries(revoked)),
});

describe('storedRole', () => {
  it('gives a viewer granted editing meanwhile the editor role, whatever the link', () => {
    for (const link of ['none', 'view', 'edit'] as const) expect(storedRole(viewer, 'u', room(link, { u: 'editor' }))).toBe('editor');
  });

  it('makes an editor whose grant was revoked meanwhile a viewer where the link does not give editing', () => {
    expect(storedRole(editor, 'u', room('none'))).toBe('viewer');
    expect(storedRole(editor, 'u', room('view'))).toBe('viewer');
  });

  it('makes an editor revoked after they joined a viewer where the link gives editing', () => {
    expect(storedRole(editor, 'u', room('edit', {}, { u: JOINED + 1 }))).toBe('viewer');
    expect(storedRole(editor, 'u', room('edit', {}, { u: JOINED }))).toBe('viewer');
  });

  it('leaves an editor the link made so: never revoked, or joined after the revoke (as any join would make them)', () => {
    expect(storedRole(editor, 'u', room('edit'))).toBeUndefined();
    expect(storedRole(editor, 'u', room('edit', {}, { u: JOINED - 1 }))).toBeUndefined();
    expect(storedRole(editor, 'u', room('edit', {}, { other: JOINED + 1 }))).toBeUndefined();
  });

  it('follows a remembered membership over the link and any revoke, as a join does', () => {
    expect(storedRole(editor, 'u', room('edit', { u: 'viewer' }))).toBe('viewer');
    expect(storedRole(editor, 'u', room('view', { u: 'editor' }))).toBe('editor');
    expect(storedRole(editor, 'u', room('edit', { u: 'editor' }, { u: JOINED + 1 }))).toBe('editor');
  });

  it('never promotes a viewer without a membership (a live revoke, a watcher, a listed room)', () => {
    for (const link of ['none', 'view', 'edit'] as const) {
      expect(storedRole(viewer, 'u', room(link, { other: 'editor' }))).toBeUndefined();
      expect(storedRole(viewer, 'u', room(link, {}, { u: JOINED + 1 }))).toBeUndefined();
    }
  });
});
