// Dragging a camera onto a wall tile: from the wall's own list, or from the map's selected camera
// (the map in one window, the wall in another: HTML drag and drop crosses windows of one browser).
import type { DragEvent } from 'react';

export const CAMERA_DRAG_TYPE = 'application/x-vigil-camera';

export function startCameraDrag(event: DragEvent, cameraId: string): void {
  event.dataTransfer.setData(CAMERA_DRAG_TYPE, cameraId);
  event.dataTransfer.setData('text/plain', cameraId);
  event.dataTransfer.effectAllowed = 'copy';
}

/** Whether a drag carries a camera (its data is readable only on drop). */
export function carriesCamera(event: DragEvent): boolean {
  return event.dataTransfer.types.includes(CAMERA_DRAG_TYPE);
}

export function droppedCamera(event: DragEvent): string | null {
  return event.dataTransfer.getData(CAMERA_DRAG_TYPE) || null;
}
