// Bookmarks over HTTP (server side: src/api/bookmark-routes.ts). Shapes from the server's schemas.
import { request } from '../api/client.ts';
import type { Bookmark } from '../api/types.ts';

export type { Bookmark } from '../api/types.ts';

export async function listBookmarks(cameraId: string, fromMs: number, toMs: number, signal?: AbortSignal): Promise<Bookmark[]> {
  const q = new URLSearchParams({ from: String(Math.max(0, Math.floor(fromMs))), to: String(Math.ceil(toMs)) });
  return (await request<{ bookmarks: Bookmark[] }>('GET', `/api/cameras/${encodeURIComponent(cameraId)}/bookmarks?${q}`, undefined, signal)).bookmarks;
}

export function addBookmark(cameraId: string, at: number, note: string): Promise<Bookmark> {
  return request<Bookmark>('POST', `/api/cameras/${encodeURIComponent(cameraId)}/bookmarks`, { at: Math.round(at), note });
}

export function removeBookmark(cameraId: string, id: string): Promise<void> {
  return request<void>('DELETE', `/api/cameras/${encodeURIComponent(cameraId)}/bookmarks/${encodeURIComponent(id)}`);
}
