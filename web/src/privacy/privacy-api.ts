// Masks, lifts and purposes as the camera view uses them (server side: src/api/privacy-routes.ts).
// The purpose the user stated for looking back is kept for the tab's session and sent with every
// playback and export request until they change it.
import { request } from '../api/client.ts';
import type {
  CameraPurposeInput, CameraPurposeView, DataRetentionPolicyView, DataRetentionView, MaskList, MaskLift, PurposeList, RecordingRetentionView, RetentionNoticeView,
} from '../api/types.ts';

export type { CameraPurposeView, MaskList, MaskLift, PurposeList, DataRetentionView, DataRetentionPolicyView, DeletionView, RecordingRetentionView, RetentionNoticeView } from '../api/types.ts';

// The app's one JSON request (ApiError with the server's code, a 401 back to the sign-in screen).
const call = request;

export const getMasks = (cameraId: string) => call<MaskList>('GET', `/api/cameras/${encodeURIComponent(cameraId)}/masks`);
export const liftMasks = async (cameraId: string, reason: string, minutes: number) =>
  (await call<{ lift: MaskLift }>('POST', `/api/cameras/${encodeURIComponent(cameraId)}/mask-lift`, { reason, minutes })).lift;
export const endLift = (cameraId: string) => call<void>('DELETE', `/api/cameras/${encodeURIComponent(cameraId)}/mask-lift`);
export const getPurposes = () => call<PurposeList>('GET', '/api/purposes');

export interface StatedPurpose {
  purposeId: string;
  purposeName: string;
  purposeText: string;
}

const KEY = 'vigil.purpose';
const listeners = new Set<() => void>();

export function currentPurpose(): StatedPurpose | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as StatedPurpose) : null;
  } catch {
    return null;
  }
}

export function setPurpose(p: StatedPurpose | null): void {
  if (p) sessionStorage.setItem(KEY, JSON.stringify(p));
  else sessionStorage.removeItem(KEY);
  for (const l of listeners) l();
}

export function onPurposeChange(l: () => void): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The purpose as query parameters (empty when none was stated). */
export function purposeParams(): Record<string, string> {
  const p = currentPurpose();
  return p ? { purposeId: p.purposeId, purposeText: p.purposeText } : {};
}

/** The server's answer when looking back needs a purpose. */
export const PURPOSE_REQUIRED = 'PURPOSE_REQUIRED';

// --- issue 13: a camera's purpose, legal basis and retention (server: src/api/retention-routes.ts) ---
export const getCameraPurpose = (cameraId: string) => call<CameraPurposeView>('GET', `/api/cameras/${encodeURIComponent(cameraId)}/purpose`);
export const putCameraPurpose = (cameraId: string, body: CameraPurposeInput) =>
  call<{ purpose: CameraPurposeView['purpose']; notices: RetentionNoticeView[] }>('PUT', `/api/cameras/${encodeURIComponent(cameraId)}/purpose`, body);

// --- issue 13: the retention screen (server: src/api/data-retention-routes.ts) ---
export const getRetention = () => call<DataRetentionView>('GET', '/api/privacy/retention');
export const putRetention = (body: Partial<DataRetentionPolicyView>) =>
  call<{ policy: DataRetentionPolicyView; notices: RetentionNoticeView[] }>('PUT', '/api/privacy/retention', body);
export const runRetentionSweep = () => call<{ sweep: NonNullable<DataRetentionView['lastSweep']> }>('POST', '/api/privacy/retention/sweep');
export const getRecordingRetention = () => call<RecordingRetentionView>('GET', '/api/privacy/recording-retention');
