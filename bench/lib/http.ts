// The one HTTP call load generators make: a JSON POST, with a bearer token when given.

export async function post<T>(url: string, route: string, body: object, token?: string): Promise<T> {
  const res = await fetch(url + route, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${route}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
