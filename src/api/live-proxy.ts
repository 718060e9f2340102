// Live view of a camera another node records (issue 15): the viewer's WebSocket is joined to the
// same route on that node, opened with the viewer's own session cookie, so the node checks the
// permission and audits live.start/stop under the viewer's name. Frames pass through untouched.
import WebSocket from 'ws';
import type { WebSocket as ServerSocket } from 'ws';
import { SESSION_COOKIE } from '../access/index.ts';

export function pipeRemoteLive(viewer: ServerSocket, nodeBase: string, cameraId: string, sessionCookie: string | undefined): void {
  const url = `${nodeBase.replace(/^http/, 'ws')}/api/cameras/${encodeURIComponent(cameraId)}/live`;
  const up = new WebSocket(url, { headers: { ...(sessionCookie ? { cookie: `${SESSION_COOKIE}=${sessionCookie}` } : {}), origin: nodeBase }, handshakeTimeout: 5000 });
  up.on('message', (data, isBinary) => {
    if (viewer.readyState === viewer.OPEN) viewer.send(data as Buffer, { binary: isBinary });
  });
  up.on('close', (code, reason) => {
    if (viewer.readyState === viewer.OPEN) viewer.close(code === 1005 || code === 1006 ? 1011 : code, reason.toString() || 'node closed');
  });
  up.on('error', () => {
    if (viewer.readyState === viewer.OPEN) viewer.close(1011, 'recording node unreachable');
  });
  viewer.on('close', () => up.close());
}
