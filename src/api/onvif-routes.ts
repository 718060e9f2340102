// ONVIF (issue 15): find cameras on the local network (WS-Discovery), ask a device for its
// profiles and RTSP URLs to fill in a camera's URL, record where a camera answers ONVIF, and steer
// a PTZ camera (moves and presets) with the camera's own credentials. The device is not trusted:
// its failures come back as ONVIF_* codes (502/504) naming the device and what went wrong.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import { CameraParams, ErrorSchema } from './schemas.ts';
import { auditAccess } from './request-checks.ts';
import { OnvifClient, OnvifError, discoverOnvif, type PtzStatus } from '../onvif/index.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 422: ErrorSchema, 502: ErrorSchema, 504: ErrorSchema };
const Xaddr = Type.String({ pattern: '^https?://', maxLength: 2048, description: 'The device service address (an XAddr from discovery).' });
const Timeout = Type.Integer({ minimum: 200, maximum: 10_000, description: 'How long to wait for the device (ms).' });

const DiscoverBody = Type.Object({ timeoutMs: Type.Integer({ minimum: 200, maximum: 10_000, description: 'How long to listen for answers (ms).' }) }, { additionalProperties: false });
export const OnvifDiscoverySchema = Type.Object({
  devices: Type.Array(Type.Object({ endpoint: Type.String(), xaddrs: Type.Array(Type.String()), types: Type.Array(Type.String()), scopes: Type.Array(Type.String()), name: Type.Union([Type.String(), Type.Null()]), hardware: Type.Union([Type.String(), Type.Null()]), from: Type.String() })),
  unreadable: Type.Integer({ description: 'Answers that were not WS-Discovery (skipped).' }),
});
const DescribeBody = Type.Object({ xaddr: Xaddr, username: Type.Optional(Type.String({ maxLength: 128 })), password: Type.Optional(Type.String({ maxLength: 256 })), timeoutMs: Type.Optional(Timeout) }, { additionalProperties: false });
export const OnvifDescriptionSchema = Type.Object({
  info: Type.Object({ manufacturer: Type.String(), model: Type.String(), firmwareVersion: Type.String(), serialNumber: Type.String(), hardwareId: Type.String() }),
  profiles: Type.Array(Type.Object({
    token: Type.String(), name: Type.String(), encoding: Type.Union([Type.String(), Type.Null()]), width: Type.Union([Type.Number(), Type.Null()]), height: Type.Union([Type.Number(), Type.Null()]),
    fps: Type.Union([Type.Number(), Type.Null()]), ptz: Type.Boolean(), streamUri: Type.String({ description: 'The RTSP URL to give the camera (url, or subUrl for a smaller profile).' }),
  })),
});
const OnvifLinkBody = Type.Object({ xaddr: Xaddr, profileToken: Type.String({ minLength: 1, maxLength: 64, description: 'The media profile PTZ commands name (from describe).' }) }, { additionalProperties: false });
const Axis = (lo: number, hi: number) => Type.Optional(Type.Number({ minimum: lo, maximum: hi }));
const PtzBody = Type.Union([
  Type.Object({ op: Type.Literal('continuous'), pan: Axis(-1, 1), tilt: Axis(-1, 1), zoom: Axis(-1, 1), seconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 60 })) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('stop') }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('absolute'), pan: Axis(-1, 1), tilt: Axis(-1, 1), zoom: Axis(0, 1) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('relative'), pan: Axis(-2, 2), tilt: Axis(-2, 2), zoom: Axis(-1, 1) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('goto-preset'), preset: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('set-preset'), name: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
  Type.Object({ op: Type.Literal('remove-preset'), preset: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
]);
export const PtzStateSchema = Type.Object({
  status: Type.Object({ pan: Type.Number(), tilt: Type.Number(), zoom: Type.Number(), moving: Type.Boolean() }),
  presets: Type.Array(Type.Object({ token: Type.String(), name: Type.String() })),
  preset: Type.Optional(Type.String({ description: 'The token of the preset just set.' })),
});

export function registerOnvifRoutes(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  app.post<{ Body: Static<typeof DiscoverBody> }>(
    '/api/onvif/discover',
    { schema: { tags: ['onvif'], summary: 'Find ONVIF cameras on this server\'s local network (WS-Discovery probe on UDP 3702)', body: DiscoverBody, response: { 200: OnvifDiscoverySchema, ...errors } } },
    async (req) => {
      guard(req, 'camera.create', { type: 'cameras' });
      return discoverOnvif({ timeoutMs: req.body.timeoutMs });
    },
  );

  app.post<{ Body: Static<typeof DescribeBody> }>(
    '/api/onvif/describe',
    { schema: { tags: ['onvif'], summary: 'Ask an ONVIF device what it is and for the RTSP URL of each profile (to fill in a camera\'s URL)', body: DescribeBody, response: { 200: OnvifDescriptionSchema, ...errors } } },
    async (req) => {
      guard(req, 'camera.create', { type: 'cameras' });
      const b = req.body;
      return new OnvifClient({ xaddr: b.xaddr, username: b.username, password: b.password, timeoutMs: b.timeoutMs }).describe();
    },
  );

  /** The camera's ONVIF client with its own credentials, or 404/409 when it has no ONVIF address. */
  async function cameraClient(cameraId: string): Promise<{ client: OnvifClient; profile: string }> {
    const row = await deps.cameras.get(cameraId);
    const link = await deps.store.getCameraOnvif(cameraId);
    if (!link) throw new OnvifError('ONVIF_NOT_LINKED', `camera ${JSON.stringify(cameraId)} has no ONVIF address: PUT /api/cameras/${cameraId}/onvif first`);
    return { client: new OnvifClient({ xaddr: link.xaddr, username: row.username ?? undefined, password: deps.cameras.password(row) ?? undefined }), profile: link.profileToken };
  }

  app.put<{ Params: Static<typeof CameraParams>; Body: Static<typeof OnvifLinkBody> }>(
    '/api/cameras/:id/onvif',
    { schema: { tags: ['onvif'], summary: 'Where the camera answers ONVIF (checked with the camera\'s credentials: the profile must exist)', params: CameraParams, body: OnvifLinkBody, response: { 200: Type.Object({ cameraId: Type.String(), xaddr: Type.String(), profileToken: Type.String(), ptz: Type.Boolean() }), ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.update', { type: 'camera', id: req.params.id });
      const row = await deps.cameras.get(req.params.id);
      const client = new OnvifClient({ xaddr: req.body.xaddr, username: row.username ?? undefined, password: deps.cameras.password(row) ?? undefined });
      const profile = (await client.getProfiles()).find((p) => p.token === req.body.profileToken);
      if (!profile) throw new OnvifError('ONVIF_BAD_INPUT', `body/profileToken: the device has no profile ${JSON.stringify(req.body.profileToken)}`);
      await deps.store.putCameraOnvif(
        { cameraId: row.id, xaddr: client.xaddr, profileToken: profile.token, updatedAt: Date.now() },
        { actor: user.id, ip: req.ip, action: 'camera.update', cameraId: row.id, details: { onvif: client.xaddr, profile: profile.token } },
      );
      return { cameraId: row.id, xaddr: client.xaddr, profileToken: profile.token, ptz: profile.ptz };
    },
  );

  async function state(client: OnvifClient, profile: string, preset?: string): Promise<Static<typeof PtzStateSchema>> {
    const [status, presets] = await Promise.all([client.getStatus(profile), client.getPresets(profile)]);
    return { status: status satisfies PtzStatus, presets, ...(preset ? { preset } : {}) };
  }

  app.get<{ Params: Static<typeof CameraParams> }>(
    '/api/cameras/:id/ptz',
    { schema: { tags: ['onvif'], summary: 'Position and presets of a PTZ camera', params: CameraParams, response: { 200: PtzStateSchema, 409: ErrorSchema, ...errors } } },
    async (req) => {
      guard(req, 'camera.ptz', { type: 'camera', id: req.params.id });
      const { client, profile } = await cameraClient(req.params.id);
      return state(client, profile);
    },
  );

  app.post<{ Params: Static<typeof CameraParams>; Body: Static<typeof PtzBody> }>(
    '/api/cameras/:id/ptz',
    { schema: { tags: ['onvif'], summary: 'Move a PTZ camera, or set, recall or remove a preset', params: CameraParams, body: PtzBody, response: { 200: PtzStateSchema, 409: ErrorSchema, ...errors } } },
    async (req) => {
      const user = guard(req, 'camera.ptz', { type: 'camera', id: req.params.id });
      const { client, profile } = await cameraClient(req.params.id);
      const b = req.body;
      const v = 'pan' in b || 'tilt' in b || 'zoom' in b ? Object.fromEntries(Object.entries({ pan: (b as { pan?: number }).pan, tilt: (b as { tilt?: number }).tilt, zoom: (b as { zoom?: number }).zoom }).filter(([, x]) => x !== undefined)) : {};
      let preset: string | undefined;
      // Who steered which camera where: audited whether the device did it or refused (a refused
      // attempt to turn a camera away is worth knowing too).
      const what = { op: b.op, ...v, ...('seconds' in b && b.seconds !== undefined ? { seconds: b.seconds } : {}), ...('preset' in b ? { preset: b.preset } : {}), ...('name' in b ? { name: b.name } : {}) };
      try {
        switch (b.op) {
          case 'continuous': await client.continuousMove(profile, v, b.seconds); break;
          case 'stop': await client.stop(profile); break;
          case 'absolute': await client.absoluteMove(profile, v); break;
          case 'relative': await client.relativeMove(profile, v); break;
          case 'goto-preset': await client.gotoPreset(profile, b.preset); break;
          case 'set-preset': preset = await client.setPreset(profile, b.name); break;
          case 'remove-preset': await client.removePreset(profile, b.preset); break;
        }
      } catch (err) {
        await auditAccess(deps.store, req, 'camera.ptz', req.params.id, { ...what, failed: (err as { code?: string }).code ?? 'ERROR' });
        throw err;
      }
      await auditAccess(deps.store, req, 'camera.ptz', req.params.id, { ...what, ...(preset ? { presetToken: preset } : {}) });
      deps.logger.info({ user: user.id, camera: req.params.id, op: b.op }, 'PTZ command');
      return state(client, profile, preset);
    },
  );
}
