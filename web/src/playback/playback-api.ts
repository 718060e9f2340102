// The playback and export endpoints as the camera view uses them (server side: src/api/playback-routes.ts,
// src/api/export-routes.ts).
import { request } from '../api/client.ts';
import type { ExportJob, Timeline } from '../api/types.ts';
import { purposeParams } from '../privacy/privacy-api.ts';

export type { TimeSpan, Gap, Timeline, ExportFile, ExportJob } from '../api/types.ts';

// The app's one JSON request (ApiError with the server's code, a 401 back to the sign-in screen).
const call = request;

export function getTimeline(cameraId: string, fromMs: number, toMs: number, signal?: AbortSignal): Promise<Timeline> {
  const query = new URLSearchParams({ from: String(Math.floor(fromMs)), to: String(Math.ceil(toMs)) });
  return call<Timeline>('GET', `/api/cameras/${encodeURIComponent(cameraId)}/timeline?${query}`, undefined, signal);
}

export async function startExport(cameras: string[], fromMs: number, toMs: number, reason: string): Promise<ExportJob> {
  return (await call<{ export: ExportJob }>('POST', '/api/exports', { cameras, from: String(Math.floor(fromMs)), to: String(Math.ceil(toMs)), reason, ...purposeParams() })).export;
}

export async function getExport(id: string, signal?: AbortSignal): Promise<ExportJob> {
  return (await call<{ export: ExportJob }>('GET', `/api/exports/${encodeURIComponent(id)}`, undefined, signal)).export;
}

export function exportDownloadUrl(id: string): string {
  return `/api/exports/${encodeURIComponent(id)}/download`;
}

// --- issue 13: four-eyes export (the requester's own list; an approver's queue and decisions) ---
export async function listMyExports(signal?: AbortSignal): Promise<ExportJob[]> {
  return (await call<{ exports: ExportJob[] }>('GET', '/api/exports', undefined, signal)).exports;
}

export async function listExportRequests(signal?: AbortSignal): Promise<ExportJob[]> {
  return (await call<{ requests: ExportJob[] }>('GET', '/api/export-requests', undefined, signal)).requests;
}

export async function approveExport(id: string): Promise<ExportJob> {
  return (await call<{ export: ExportJob }>('POST', `/api/exports/${encodeURIComponent(id)}/approve`, {})).export;
}

export async function refuseExport(id: string, reason: string): Promise<ExportJob> {
  return (await call<{ export: ExportJob }>('POST', `/api/exports/${encodeURIComponent(id)}/refuse`, { reason })).export;
}
