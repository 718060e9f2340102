// Schemas of the security map's routes (issue 11): they validate, shape responses and write the OpenAPI.
import { Type } from '@sinclair/typebox';

const Lon = Type.Number({ minimum: -180, maximum: 180, description: 'longitude, degrees (WGS 84)' });
const Lat = Type.Number({ minimum: -90, maximum: 90, description: 'latitude, degrees (WGS 84)' });

export const PositionSchema = Type.Object({
  lon: Lon,
  lat: Lat,
  bearing: Type.Number({ description: 'where the camera looks: degrees from north, clockwise' }),
  angle: Type.Number({ description: 'horizontal field of view, degrees (360: all round)' }),
  range: Type.Number({ description: 'how far it usefully sees, metres' }),
  ptz: Type.Boolean({ description: 'a PTZ camera: its cone is the circle of its reach' }),
  siteId: Type.Union([Type.String(), Type.Null()]),
});

export const PlacementBody = Type.Object(
  {
    lon: Lon,
    lat: Lat,
    bearing: Type.Optional(Type.Number({ minimum: -360, maximum: 720, default: 0 })),
    angle: Type.Optional(Type.Number({ minimum: 1, maximum: 360, default: 90 })),
    range: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 5000, default: 50 })),
    ptz: Type.Optional(Type.Boolean({ default: false })),
    siteId: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()])),
  },
  { additionalProperties: false },
);

export const MapCameraSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  lon: Type.Number(),
  lat: Type.Number(),
  bearing: Type.Number(),
  angle: Type.Number(),
  range: Type.Number(),
  ptz: Type.Boolean(),
  siteId: Type.Union([Type.String(), Type.Null()]),
  state: Type.Union([Type.Literal('connecting'), Type.Literal('online'), Type.Literal('offline'), Type.Literal('disabled')]),
  recording: Type.Boolean({ description: 'false: the camera is set not to record' }),
});

const BBoxText = Type.String({ pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$', description: 'west,south,east,north in degrees' });

export const BBoxQuerySchema = Type.Object(
  {
    bbox: Type.Optional(BBoxText),
    ids: Type.Optional(Type.String({ maxLength: 40_000, description: 'comma-separated camera ids: only these (the map places the alarms of cameras out of view)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200000, default: 100000 })),
  },
  { additionalProperties: false },
);

export const ViewQuerySchema = Type.Object(
  {
    bbox: BBoxText,
    zoom: Type.Number({ minimum: 0, maximum: 24, description: 'the map\'s zoom; cameras are clustered on a grid of screen cells at it' }),
  },
  { additionalProperties: false },
);

export const ViewClusterSchema = Type.Object({
  id: Type.String({ description: 'zoom/column/row of its grid cell: stable while the zoom stays' }),
  lon: Type.Number(),
  lat: Type.Number(),
  count: Type.Integer(),
  down: Type.Integer({ description: 'how many of its cameras are offline' }),
  bbox: Type.Array(Type.Number(), { minItems: 4, maxItems: 4, description: 'west, south, east, north of its cameras' }),
});

export const ViewSchema = Type.Object({
  clusters: Type.Array(ViewClusterSchema),
  cameras: Type.Array(MapCameraSchema, { description: 'cameras drawn one by one' }),
  total: Type.Integer({ description: 'cameras in the box, clustered or not' }),
  detailed: Type.Boolean({ description: 'true when no camera in the box is clustered' }),
  extent: Type.Union([Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }), Type.Null()], { description: 'west, south, east, north of every placed camera the user may see the map of' }),
});

export const SiteSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  priority: Type.Integer(),
  polygon: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 })),
  createdAt: Type.Number(),
  updatedAt: Type.Number(),
});

export const SiteBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: Type.String({ maxLength: 40, description: 'ministry, hospital, school, checkpoint, police, market, transport, embassy, other' }),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, default: 3, description: '1 highest' })),
    polygon: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }), { minItems: 3, maxItems: 10000, description: 'outer ring of [lon, lat]' }),
  },
  { additionalProperties: false },
);

export const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

export const WhoSeesQuery = Type.Object({ lon: Lon, lat: Lat }, { additionalProperties: false });

export const ImportBody = Type.Object(
  {
    format: Type.Union([Type.Literal('csv'), Type.Literal('geojson')]),
    data: Type.String({ description: 'the file as text' }),
    skipBad: Type.Optional(Type.Boolean({ default: false, description: 'import the good rows and report the bad ones; otherwise a bad row refuses the whole file' })),
  },
  { additionalProperties: false },
);

export const ImportResultSchema = Type.Object({
  imported: Type.Integer(),
  skipped: Type.Array(Type.Object({ where: Type.String(), message: Type.String() })),
});

export const OutageSchema = Type.Object({
  id: Type.String(),
  startMs: Type.Number(),
  endMs: Type.Union([Type.Number(), Type.Null()]),
  count: Type.Integer(),
  cameraIds: Type.Array(Type.String()),
  downIds: Type.Optional(Type.Array(Type.String())),
  hull: Type.Array(Type.Array(Type.Number())),
});

export const OutagesQuery = Type.Object(
  {
    from: Type.Optional(Type.Integer({ minimum: 0, description: 'past outages from, ms (default: 24 h ago)' })),
    to: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const CoverageSchema = Type.Object({
  siteId: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  priority: Type.Integer(),
  cameraIds: Type.Array(Type.String()),
  share: Type.Number({ description: 'share of the site area inside at least one cone, 0–1' }),
  areaM2: Type.Number(),
});
