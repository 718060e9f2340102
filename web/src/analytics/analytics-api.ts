// A camera's detector as the camera view shows it (server side: src/api/analytics-routes.ts).
import { request } from '../api/client.ts';
import type { DetectorView } from '../api/types.ts';

export type { DetectorView } from '../api/types.ts';

/** The detector's settings in force and its cost per analysed frame (admins: the route needs camera.update). */
export function getDetectorView(cameraId: string, signal?: AbortSignal): Promise<DetectorView> {
  return request<DetectorView>('GET', `/api/cameras/${encodeURIComponent(cameraId)}/analytics`, undefined, signal);
}
