// The role the access sweep gives someone already in a room, from the store:
// what a lost grant or revoke would have made them, and nothing a live grant,
// a live revoke or the room's link already settled (so a sweep after them
// changes nobody).
import { describe, expect, it } from 'vitest';
import { storedRole } from '../../server/live/stored-role.ts';
import type { RoomRoles } from '../../server/store/live.ts';
import type { LinkAccess } from '../../shared/protocol.ts';

const room = (linkAccess: LinkAccess, members: Record<string, 'editor' | 'viewer'> = {}): RoomRoles => ({
  linkAccess,
  members: new Map(Object.entries(members)),
});

describe('storedRole', () => {
  it('gives a viewer granted editing meanwhile the editor role, whatever the link', () => {
    for (const link of ['none', 'view', 'edit'] as const) expect(storedRole('viewer', 'u', room(link, { u: 'editor' }))).toBe('editor');
  });

  it('makes an editor whose grant was revoked meanwhile a viewer where the link does not give editing', () => {
    expect(storedRole('editor', 'u', room('none'))).toBe('viewer');
    expect(storedRole('editor', 'u', room('view'))).toBe('viewer');
  });

  it('leaves an editor without a membership where the link gives editing: their next join makes them one anyway', () => {
    expect(storedRole('editor', 'u', room('edit'))).toBeUndefined();
  });

  it('follows a remembered membership over the link, as a join does', () => {
    expect(storedRole('editor', 'u', room('edit', { u: 'viewer' }))).toBe('viewer');
    expect(storedRole('editor', 'u', room('view', { u: 'editor' }))).toBe('editor');
  });

  it('never promotes a viewer without a membership (a live revoke, a watcher, a listed room)', () => {
    for (const link of ['none', 'view', 'edit'] as const)
      expect(storedRole('viewer', 'u', room(link, { other: 'editor' }))).toBeUndefined();
  });
});
