// The image providers the server can run now (`GET /api/providers`).
import type { ProviderInfo, ProvidersResponse } from '../../shared/protocol.ts';
import { request } from './http.ts';

export async function fetchProviders(signal?: AbortSignal): Promise<ProviderInfo[]> {
  const { providers } = await request<ProvidersResponse>('GET', '/api/providers', signal ? { signal } : {});
  return providers;
}
