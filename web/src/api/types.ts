// Shapes of the Vigil HTTP API as the control room uses them (see src/api for the server side).

export interface User {
  id: string;
  username: string;
  role: string;
}

export type CameraState = 'connecting' | 'online' | 'offline' | 'disabled';

export interface CameraStatus {
  state: CameraState;
  lastFrameAt: number | null;
  fps: number | null;
  bitrateKbps: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  error: string | null;
  reconnects: number;
  subStream?: 'none' | 'idle' | 'up' | 'down';
}

export interface Camera {
  id: string;
  name: string;
  url: string;
  subUrl: string | null;
  username: string | null;
  hasPassword: boolean;
  transport: 'tcp' | 'udp';
  enabled: boolean;
  record: boolean;
  status: CameraStatus;
  /** Map position and cone; null when the camera is not placed. */
  position: { lon: number; lat: number; bearing: number; angle: number; range: number; ptz: boolean; siteId: string | null } | null;
}

export interface RecordingSegment {
  startMs: number;
  endMs: number;
  bytes: number;
}
