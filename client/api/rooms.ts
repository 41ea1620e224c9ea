// Room, gallery and work requests (docs/protocol.md: "Rooms and roles", "Gallery").
import type { CreateRoomResponse, GetRoomResponse, LikeResponse, RoomInfo, UploadMediaResponse, Work } from '../../shared/protocol.ts';
import { request } from './http.ts';
import { ensureSession } from './session.ts';

export async function createRoom(title?: string): Promise<CreateRoomResponse> {
  await ensureSession();
  return request<CreateRoomResponse>('POST', '/api/rooms', { body: title ? { title } : {} });
}

export async function getRoom(roomId: string, invite?: string | null): Promise<GetRoomResponse> {
  await ensureSession();
  const query = invite ? `?invite=${encodeURIComponent(invite)}` : '';
  return request<GetRoomResponse>('GET', `/api/rooms/${encodeURIComponent(roomId)}${query}`);
}

export async function updateRoom(roomId: string, patch: Partial<Pick<RoomInfo, 'title' | 'linkAccess'>>): Promise<RoomInfo> {
  const { room } = await request<{ room: RoomInfo }>('PATCH', `/api/rooms/${encodeURIComponent(roomId)}`, { body: patch });
  return room;
}

export async function uploadImage(roomId: string, file: Blob, invite?: string | null): Promise<UploadMediaResponse> {
  await ensureSession();
  const query = invite ? `?invite=${encodeURIComponent(invite)}` : '';
  return request<UploadMediaResponse>('POST', `/api/rooms/${encodeURIComponent(roomId)}/media${query}`, { blob: file });
}

export async function fetchWork(workId: string): Promise<Work> {
  await ensureSession();
  const body = await request<Work | { work: Work }>('GET', `/api/works/${encodeURIComponent(workId)}`);
  return 'work' in body ? body.work : body;
}

export async function fetchRemixes(workId: string): Promise<Work[]> {
  const body = await request<{ items: Work[] } | Work[]>('GET', `/api/works/${encodeURIComponent(workId)}/remixes`);
  return Array.isArray(body) ? body : body.items;
}

export async function setLiked(workId: string, liked: boolean): Promise<LikeResponse> {
  await ensureSession();
  return request<LikeResponse>(liked ? 'POST' : 'DELETE', `/api/works/${encodeURIComponent(workId)}/like`);
}

export async function remixWork(workId: string): Promise<CreateRoomResponse> {
  await ensureSession();
  return request<CreateRoomResponse>('POST', `/api/works/${encodeURIComponent(workId)}/remix`);
}

/** The share link for an invite code. */
export function inviteLink(roomId: string, code: string): string {
  return `${location.origin}/r/${roomId}?invite=${encodeURIComponent(code)}`;
}
