// The API calls of the drawing screens (server side: src/api/rule-drawing-routes.ts,
// src/api/analytics-routes.ts, src/api/traffic-routes.ts).
import { ApiError, apiErrorOf, NETWORK_ERROR, request } from '../api/client.ts';
import type { AnalyticsSettings, CalibrationRequest, CalibrationView, RulePreview } from '../api/types.ts';

export type { AnalyticsSettings, CalibrationView, RulePreview } from '../api/types.ts';
export type Point = [number, number];

const cam = (id: string) => `/api/cameras/${encodeURIComponent(id)}`;

export const getAnalytics = async (id: string) => (await request<{ settings: AnalyticsSettings }>('GET', `${cam(id)}/analytics`)).settings;
export const putAnalytics = async (id: string, settings: AnalyticsSettings) => (await request<{ settings: AnalyticsSettings }>('PUT', `${cam(id)}/analytics`, settings)).settings;
export const previewRules = (id: string, settings: AnalyticsSettings, minutes: number) => request<RulePreview>('POST', `${cam(id)}/analytics/preview`, { settings, minutes });
export const previewPictureUrl = (id: string, previewId: string, n: number) => `${cam(id)}/analytics/preview/${encodeURIComponent(previewId)}/${n}`;

export const getCalibration = (id: string) => request<CalibrationView>('GET', `${cam(id)}/calibration`);
export const checkCalibration = (id: string, body: CalibrationRequest) => request<CalibrationView>('POST', `${cam(id)}/calibration/check`, body);
export const saveCalibration = (id: string, body: CalibrationRequest) => request<CalibrationView>('PUT', `${cam(id)}/calibration`, body);
export const deleteCalibration = (id: string) => request<void>('DELETE', `${cam(id)}/calibration`);

/** A still of the camera now, as an object URL (the caller revokes it), with its pixel size. */
export async function fetchStill(id: string, signal?: AbortSignal): Promise<{ url: string; width: number; height: number }> {
  let response: Response;
  try {
    response = await fetch(`${cam(id)}/still`, { credentials: 'same-origin', signal });
  } catch (cause) {
    if (signal?.aborted) throw cause;
    throw new ApiError(NETWORK_ERROR, cause instanceof Error ? cause.message : String(cause), 0);
  }
  if (!response.ok) throw apiErrorOf(response, await response.json().catch(() => null));
  const url = URL.createObjectURL(await response.blob());
  const size = await new Promise<{ width: number; height: number }>((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve({ width: img.naturalWidth, height: img.naturalHeight });
    img.onerror = () => reject(new ApiError('BAD_PICTURE', '', 0));
    img.src = url;
  });
  return { url, ...size };
}
