// The route table: every HTTP route and WebSocket, and what it takes to call it. The access gate
// (access-gate.ts) enforces it before any validation or lookup, through access's one `authorize`;
// a route missing from the table is refused, and test/api/role-matrix.test.ts fails. Handlers
// still authorize each camera they find inside a request (an alarm's camera, an export's list).
import type { Action } from '../access/index.ts';

export type RoutePermission =
  /** No session needed. */
  | { public: true }
  /** Any signed-in user (their own session). */
  | { signedIn: true }
  /** The camera named by the :id path parameter. */
  | { action: Action; on: 'camera' }
  /** The camera collection: scoped users get the cameras of their scope (lists are filtered). */
  | { action: Action; on: 'cameras' }
  /** Cameras named inside the request; each one checked by the handler. */
  | { action: Action; on: 'camera-items' }
  | { action: Action; on: 'users' | 'audit' | 'system' }
  /** A scraper's bearer token instead of a session; the handler checks it, else the action as usual. */
  | { action: Action; on: 'system'; bearer: true };

export const ROUTE_PERMISSIONS: Readonly<Record<string, RoutePermission>> = {
  'GET /api/health': { public: true },
  'POST /api/session': { public: true },
  'GET /api/session': { signedIn: true },
  'DELETE /api/session': { signedIn: true },
  'GET /api/openapi.json': { signedIn: true },

  'GET /api/cameras': { action: 'camera.list', on: 'cameras' },
  'POST /api/cameras': { action: 'camera.create', on: 'cameras' },
  'GET /api/cameras/:id': { action: 'camera.read', on: 'camera' },
  'PATCH /api/cameras/:id': { action: 'camera.update', on: 'camera' },
  'DELETE /api/cameras/:id': { action: 'camera.delete', on: 'camera' },
  'GET /api/cameras/:id/recordings': { action: 'recording.list', on: 'camera' },
  'GET /api/cameras/:id/live': { action: 'camera.live', on: 'camera' },
  'GET /api/cameras/:id/analytics': { action: 'analytics.configure', on: 'camera' },
  'PUT /api/cameras/:id/analytics': { action: 'analytics.configure', on: 'camera' },
  'GET /api/cameras/:id/counts': { action: 'camera.read', on: 'camera' },
  'POST /api/cameras/:id/locks': { action: 'evidence.lock', on: 'camera' },
  'GET /api/cameras/:id/locks': { action: 'evidence.lock', on: 'camera' },
  'DELETE /api/cameras/:id/locks/:lockId': { action: 'evidence.lock', on: 'camera' },
  'GET /api/cameras/:id/timeline': { action: 'recording.list', on: 'camera' },
  'GET /api/cameras/:id/playback': { action: 'recording.play', on: 'camera' },
  'GET /api/cameras/:id/hls.m3u8': { action: 'recording.play', on: 'camera' },
  'GET /api/cameras/:id/hls/:start/init.mp4': { action: 'recording.play', on: 'camera' },
  'GET /api/cameras/:id/hls/:start': { action: 'recording.play', on: 'camera' },
  'PUT /api/cameras/:id/scopes': { action: 'camera.update', on: 'camera' },
  // issue 14: traffic
  'GET /api/cameras/:id/calibration': { action: 'camera.read', on: 'camera' },
  'PUT /api/cameras/:id/calibration': { action: 'camera.update', on: 'camera' },
  'DELETE /api/cameras/:id/calibration': { action: 'camera.update', on: 'camera' },
  // issue 12 item 7 / issue 14 item 1: drawing on a still
  'GET /api/cameras/:id/still': { action: 'camera.live', on: 'camera' },
  'POST /api/cameras/:id/calibration/check': { action: 'camera.update', on: 'camera' },
  'POST /api/cameras/:id/analytics/preview': { action: 'analytics.configure', on: 'camera' },
  'GET /api/cameras/:id/analytics/preview/:previewId/:n': { action: 'analytics.configure', on: 'camera' },
  // issue 14: a violation's evidence package holds the plate: export rights on the event's camera (checked by the handler)
  'GET /api/cameras/:id/traffic': { action: 'camera.read', on: 'camera' },
  'GET /api/events/:id/evidence': { action: 'recording.export', on: 'camera-items' },
  'GET /api/events/:id/evidence/files/:name': { action: 'recording.export', on: 'camera-items' },

  'GET /api/alarms': { action: 'alarm.see', on: 'cameras' },
  'GET /api/alarms/:id/snapshot': { action: 'alarm.see', on: 'camera-items' },
  'POST /api/alarms/:id/ack': { action: 'alarm.ack', on: 'camera-items' },
  // issue 12 (operator workflow): the route table checks the role; each handler the alarm's camera
  'GET /api/alarms/:id': { action: 'alarm.see', on: 'camera-items' },
  'POST /api/alarms/:id/take': { action: 'alarm.take', on: 'camera-items' },
  'POST /api/alarms/:id/release': { action: 'alarm.take', on: 'camera-items' },
  'POST /api/alarms/:id/hold': { action: 'alarm.take', on: 'camera-items' },
  'POST /api/alarms/:id/priority': { action: 'alarm.take', on: 'camera-items' },
  'POST /api/alarms/:id/steps': { action: 'alarm.take', on: 'camera-items' },
  'POST /api/alarms/:id/snooze': { action: 'alarm.take', on: 'camera-items' },
  'POST /api/alarms/:id/resolve': { action: 'alarm.resolve', on: 'camera-items' },
  'POST /api/alarms/:id/reopen': { action: 'alarm.resolve', on: 'camera-items' },
  'POST /api/alarms/:id/comments': { action: 'alarm.comment', on: 'camera-items' },
  'POST /api/alarms/:id/protect': { action: 'evidence.lock', on: 'camera-items' },
  'GET /api/alarms/history': { action: 'event.list', on: 'cameras' },
  'GET /api/alarms/history.csv': { action: 'event.list', on: 'cameras' },
  'GET /api/events/live': { action: 'alarm.see', on: 'cameras' },
  'GET /api/events': { action: 'event.list', on: 'cameras' },
  'GET /api/storage': { action: 'storage.read', on: 'system' },
  'GET /api/metrics': { action: 'storage.read', on: 'system', bearer: true },
  'GET /api/cluster/nodes': { action: 'storage.read', on: 'system' },
  'GET /api/cluster/camera-health': { action: 'storage.read', on: 'system' },
  'GET /api/cluster/camera-health/:id/history': { action: 'storage.read', on: 'system' },
  // Another cluster process's request for one of this node's segment files (an export through the api): no session, the handler checks its signed short-lived token.
  'GET /api/cluster/segments/:id/:start': { public: true },
  'POST /api/cameras/import': { action: 'camera.create', on: 'cameras' },

  'POST /api/exports': { action: 'recording.export', on: 'camera-items' },
  'GET /api/exports/:id': { action: 'recording.export', on: 'camera-items' },
  'GET /api/exports/:id/download': { action: 'recording.export', on: 'camera-items' },
  'GET /api/exports/:id/files/:name': { action: 'recording.export', on: 'camera-items' },

  // issue 13 (privacy)
  'GET /api/cameras/:id/masks': { action: 'camera.read', on: 'camera' },
  'POST /api/cameras/:id/masks': { action: 'mask.manage', on: 'camera' },
  'DELETE /api/cameras/:id/masks/:maskId': { action: 'mask.manage', on: 'camera' },
  'POST /api/cameras/:id/mask-lift': { action: 'mask.lift', on: 'camera' },
  'DELETE /api/cameras/:id/mask-lift': { action: 'mask.lift', on: 'camera' },
  'GET /api/purposes': { action: 'camera.list', on: 'cameras' },
  'POST /api/purposes': { action: 'purpose.manage', on: 'system' },
  'PATCH /api/purposes/:id': { action: 'purpose.manage', on: 'system' },
  'PUT /api/privacy/look-back': { action: 'purpose.manage', on: 'system' },
  'GET /api/transparency': { public: true },
  'GET /api/export-requests': { action: 'export.approve', on: 'cameras' },
  'POST /api/exports/:id/approve': { action: 'export.approve', on: 'camera-items' },
  'POST /api/exports/:id/refuse': { action: 'export.approve', on: 'camera-items' },
  'GET /api/cameras/:id/purpose': { action: 'camera.read', on: 'camera' },
  'PUT /api/cameras/:id/purpose': { action: 'purpose.manage', on: 'camera' },
  'GET /api/privacy/retention': { action: 'audit.read', on: 'audit' },
  'PUT /api/privacy/retention': { action: 'purpose.manage', on: 'system' },
  'POST /api/privacy/retention/sweep': { action: 'purpose.manage', on: 'system' },
  'GET /api/privacy/recording-retention': { action: 'audit.read', on: 'audit' },
  // issue 13: a requester's own exports (each camera checked by the handler)
  'GET /api/exports': { action: 'recording.export', on: 'camera-items' },

  'GET /api/map/cameras': { action: 'camera.list', on: 'cameras' },
  'GET /api/map/view': { action: 'camera.list', on: 'cameras' },
  'PUT /api/map/cameras/:id': { action: 'camera.update', on: 'camera' },
  'DELETE /api/map/cameras/:id': { action: 'camera.update', on: 'camera' },
  'GET /api/map/who-sees': { action: 'camera.list', on: 'cameras' },
  'GET /api/map/sites': { action: 'camera.list', on: 'cameras' },
  'POST /api/map/sites': { action: 'camera.update', on: 'cameras' },
  'PUT /api/map/sites/:id': { action: 'camera.update', on: 'cameras' },
  'DELETE /api/map/sites/:id': { action: 'camera.update', on: 'cameras' },
  'GET /api/map/coverage': { action: 'camera.list', on: 'cameras' },
  'GET /api/map/outages': { action: 'camera.list', on: 'cameras' },
  'POST /api/map/import/placements': { action: 'camera.update', on: 'cameras' },
  'POST /api/map/import/sites': { action: 'camera.update', on: 'cameras' },
  'GET /api/map/basemap.geojson': { action: 'camera.list', on: 'cameras' },
  'POST /api/map/basemap': { action: 'camera.update', on: 'cameras' },
  'GET /api/map/basemap': { action: 'camera.list', on: 'cameras' },
  'GET /api/map/basemap.pmtiles': { action: 'camera.list', on: 'cameras' },
  'GET /api/map/basemap/tiles/:z/:x/:y': { action: 'camera.list', on: 'cameras' },
  'GET /api/map/basemap/image': { action: 'camera.list', on: 'cameras' },
  'GET /api/map/glyphs/:fontstack/:range': { action: 'camera.list', on: 'cameras' },

  'GET /api/users': { action: 'user.list', on: 'users' },
  'POST /api/users': { action: 'user.manage', on: 'users' },
  'PATCH /api/users/:userId': { action: 'user.manage', on: 'users' },
  'DELETE /api/users/:userId': { action: 'user.manage', on: 'users' },
  'POST /api/users/:userId/password': { action: 'user.manage', on: 'users' },
  'DELETE /api/users/:userId/sessions': { action: 'user.manage', on: 'users' },
  'GET /api/scopes': { action: 'user.list', on: 'users' },

  // issue 12: saved video walls (the handler checks ownership and wall.share), bookmarks
  'GET /api/wall/layouts': { action: 'wall.use', on: 'system' },
  'POST /api/wall/layouts': { action: 'wall.use', on: 'system' },
  'PUT /api/wall/layouts/:layoutId': { action: 'wall.use', on: 'system' },
  'DELETE /api/wall/layouts/:layoutId': { action: 'wall.use', on: 'system' },
  'GET /api/cameras/:id/bookmarks': { action: 'recording.list', on: 'camera' },
  'POST /api/cameras/:id/bookmarks': { action: 'recording.play', on: 'camera' },
  'DELETE /api/cameras/:id/bookmarks/:bookmarkId': { action: 'recording.play', on: 'camera' },
  // issue 15: integrations
  'GET /api/integrations': { action: 'integration.manage', on: 'system' },
  'GET /api/integrations/dead-letters': { action: 'integration.manage', on: 'system' },
  'POST /api/integrations/dead-letters/:id/redeliver': { action: 'integration.manage', on: 'system' },
  'POST /api/onvif/discover': { action: 'camera.create', on: 'cameras' },
  'POST /api/onvif/describe': { action: 'camera.create', on: 'cameras' },
  'PUT /api/cameras/:id/onvif': { action: 'camera.update', on: 'camera' },
  'GET /api/cameras/:id/ptz': { action: 'camera.ptz', on: 'camera' },
  'POST /api/cameras/:id/ptz': { action: 'camera.ptz', on: 'camera' },

  'GET /api/audit': { action: 'audit.read', on: 'audit' },
  'GET /api/audit/verify': { action: 'audit.read', on: 'audit' },
  'POST /api/audit/extract': { action: 'audit.read', on: 'audit' },
};

export function routeKey(method: string, url: string): string {
  return `${method.toUpperCase()} ${url}`;
}
