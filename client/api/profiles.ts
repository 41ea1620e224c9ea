// Profiles: a person by handle or id, and the works they made.
import type { ProfileResponse } from '../../shared/accounts.ts';
import type { GalleryPage, PublicUser } from '../../shared/protocol.ts';
import { request } from './http.ts';
import { ensureSession } from './session.ts';

export async function fetchProfile(handleOrId: string): Promise<ProfileResponse> {
  await ensureSession().catch(() => undefined);
  return request<ProfileResponse>('GET', `/api/users/${encodeURIComponent(handleOrId)}`);
}

export async function fetchUserWorks(userId: string, cursor: string | null, limit = 24): Promise<GalleryPage> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return request<GalleryPage>('GET', `/api/users/${encodeURIComponent(userId)}/works?${query}`);
}

/** The address of someone's profile page: by handle once they have one. */
export function profileHref(user: Pick<PublicUser, 'id' | 'handle'>): string {
  return `/u/${encodeURIComponent(user.handle ?? user.id)}`;
}
