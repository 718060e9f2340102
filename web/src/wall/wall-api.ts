// The saved walls' HTTP calls (server side: src/api/wall-routes.ts). Shapes from the server's schemas.
import { request } from '../api/client.ts';
import type { WallLayout, WallLayoutInput } from '../api/types.ts';

export type { WallLayout, WallLayoutInput, WallSpec } from '../api/types.ts';

export async function listLayouts(signal?: AbortSignal): Promise<WallLayout[]> {
  return (await request<{ layouts: WallLayout[] }>('GET', '/api/wall/layouts', undefined, signal)).layouts;
}

export function createLayout(input: WallLayoutInput): Promise<WallLayout> {
  return request<WallLayout>('POST', '/api/wall/layouts', input);
}

export function updateLayout(id: string, input: WallLayoutInput & { version: number }): Promise<WallLayout> {
  return request<WallLayout>('PUT', `/api/wall/layouts/${encodeURIComponent(id)}`, input);
}

export function deleteLayout(id: string): Promise<void> {
  return request<void>('DELETE', `/api/wall/layouts/${encodeURIComponent(id)}`);
}
