import type { AuditEntryView, AuditVerifyView, Camera, CameraImportReport, ClusterNodes, ManagedUser, RecordingSegment, Role, ScopeRef, User } from './types.ts';

/** Error from the API or the network; `code` is the server's stable code or one of ours below. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  /** Seconds to wait before retrying, from `Retry-After` on 429. */
  readonly retryAfterSec: number | null;

  constructor(code: string, message: string, status: number, retryAfterSec: number | null = null) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.retryAfterSec = retryAfterSec;
  }
}

export const NETWORK_ERROR = 'NETWORK_ERROR';

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called whenever any request answers 401, so the app can go back to the login screen. */
export function onUnauthorized(listener: UnauthorizedListener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

/** The ApiError a failed response stands for, from its `{ error: { code, message } }` body (null if none). */
export function apiErrorOf(response: Response, json: unknown): ApiError {
  const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
  const retryAfter = Number(response.headers.get('retry-after'));
  return new ApiError(
    error?.code ?? `HTTP_${response.status}`,
    error?.message ?? (response.statusText || `HTTP ${response.status}`),
    response.status,
    Number.isFinite(retryAfter) && retryAfter > 0 ? Math.ceil(retryAfter) : null,
  );
}

/** One JSON request to the API (errors as ApiError, a 401 signals the app). */
export async function request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError(NETWORK_ERROR, cause instanceof Error ? cause.message : String(cause), 0);
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* non-JSON error page */ }
  if (!response.ok) {
    const apiError = apiErrorOf(response, json);
    if (response.status === 401 && path !== '/api/session') {
      for (const listener of unauthorizedListeners) listener();
    }
    throw apiError;
  }
  return json as T;
}

/** The signed-in user, or null when there is no valid session. */
export async function getSession(): Promise<User | null> {
  try {
    return (await request<{ user: User }>('GET', '/api/session')).user;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return null;
    throw error;
  }
}

export async function login(username: string, password: string): Promise<User> {
  return (await request<{ user: User }>('POST', '/api/session', { username, password })).user;
}

export async function logout(): Promise<void> {
  await request<void>('DELETE', '/api/session');
}

export async function listCameras(signal?: AbortSignal): Promise<Camera[]> {
  return (await request<{ cameras: Camera[] }>('GET', '/api/cameras', undefined, signal)).cameras;
}

export async function getCamera(id: string, signal?: AbortSignal): Promise<Camera> {
  return (await request<{ camera: Camera }>('GET', `/api/cameras/${encodeURIComponent(id)}`, undefined, signal)).camera;
}

export async function listRecordings(id: string, fromMs: number, toMs: number, signal?: AbortSignal): Promise<RecordingSegment[]> {
  const query = new URLSearchParams({ from: String(Math.floor(fromMs)), to: String(Math.ceil(toMs)) });
  const path = `/api/cameras/${encodeURIComponent(id)}/recordings?${query}`;
  return (await request<{ segments: RecordingSegment[] }>('GET', path, undefined, signal)).segments;
}

/** Same origin as the page, so the session cookie authenticates the socket. */
export function liveSocketUrl(cameraId: string): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/api/cameras/${encodeURIComponent(cameraId)}/live`;
}

// --- issue 10: users and the audit log ------------------------------------------------------------

export async function listUsers(signal?: AbortSignal): Promise<ManagedUser[]> {
  return (await request<{ users: ManagedUser[] }>('GET', '/api/users', undefined, signal)).users;
}

export async function createUser(body: { username: string; password: string; role: Role; scopes: ScopeRef[] | null }): Promise<ManagedUser> {
  return (await request<{ user: ManagedUser }>('POST', '/api/users', body)).user;
}

export async function updateUser(id: string, change: { role?: Role; disabled?: boolean; scopes?: ScopeRef[] | null }): Promise<ManagedUser> {
  return (await request<{ user: ManagedUser }>('PATCH', `/api/users/${encodeURIComponent(id)}`, change)).user;
}

export async function removeUser(id: string): Promise<void> {
  await request<void>('DELETE', `/api/users/${encodeURIComponent(id)}`);
}

export async function resetPassword(id: string, password: string): Promise<void> {
  await request<void>('POST', `/api/users/${encodeURIComponent(id)}/password`, { password });
}

export async function endSessions(id: string): Promise<number> {
  return (await request<{ ended: number }>('DELETE', `/api/users/${encodeURIComponent(id)}/sessions`)).ended;
}

export interface AuditFilters {
  user?: string;
  camera?: string;
  action?: string;
  purpose?: string;
  from?: number;
  to?: number;
}

function auditQuery(f: AuditFilters): URLSearchParams {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== '') q.set(k, String(v));
  return q;
}

export async function queryAudit(f: AuditFilters & { before?: number; limit?: number }, signal?: AbortSignal): Promise<{ entries: AuditEntryView[]; actions: string[]; nextBefore: number | null }> {
  return request('GET', `/api/audit?${auditQuery(f)}`, undefined, signal);
}

export async function verifyAudit(): Promise<AuditVerifyView> {
  return request('GET', '/api/audit/verify');
}

/** The signed extract as the server made it (JSON text, to save as a file). */
export async function auditExtract(f: AuditFilters, reason: string): Promise<string> {
  return JSON.stringify(await request<unknown>('POST', '/api/audit/extract', { ...f, reason }), null, 2);
}

/** The cluster's nodes and their health; null when this Vigil is the embedded single process. */
export async function getClusterNodes(signal?: AbortSignal): Promise<ClusterNodes | null> {
  try {
    return await request<ClusterNodes>('GET', '/api/cluster/nodes', undefined, signal);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}

/** Bulk camera import (issue 15): one part of a CSV or GeoJSON file; offset = rows of the file before it. */
export function importCameras(body: { format: 'csv' | 'geojson'; text: string; dryRun: boolean; offset: number }, signal?: AbortSignal): Promise<CameraImportReport> {
  return request<CameraImportReport>('POST', '/api/cameras/import', body, signal);
}
