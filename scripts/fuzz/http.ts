// The two HTTP calls the fuzzer needs: a guest session and a room.
import type { CreateRoomResponse, SessionResponse } from '../../shared/protocol.ts';

async function post<T>(url: string, body: object, token?: string): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export const newSession = (base: string, name: string) => post<SessionResponse>(`${base}/api/session`, { name });
/** `linkAccess: 'view'` makes the link alone give a viewer: editors need the edit invite. */
export const newRoom = (base: string, token: string, linkAccess: 'edit' | 'view' = 'edit') =>
  post<CreateRoomResponse>(`${base}/api/rooms`, { title: 'fuzz', linkAccess }, token);
