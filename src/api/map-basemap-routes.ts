// The city's basemap (issue 11): import a PMTiles archive, an MBTiles file or a georeferenced image
// (refused with the reason when it does not read), and serve it to the map: the archive by HTTP
// range requests, MBTiles tile by tile, the image whole. Nothing of the basemap comes from outside.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import { closeSync, openSync, readSync } from 'node:fs';
import { BASEMAP_CONTENT_TYPES, basemapKindOf, BasemapStore, GlyphSource, MapError, parseCorners, type BasemapUpload } from '../map/index.ts';
import type { MapApiDeps } from './map-routes.ts';
import type { Guard } from './types.ts';
import { ErrorSchema } from './schemas.ts';

const errors = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 413: ErrorSchema };
const tags = ['map'];
/** A city's vector basemap runs to hundreds of MB; larger is refused by Fastify with 413. */
const BASEMAP_BODY_LIMIT = 1024 * 1024 * 1024;

const ImportQuery = Type.Object(
  {
    corners: Type.Optional(Type.String({
      maxLength: 400,
      description: 'for an image: lon,lat of its top-left, top-right, bottom-right and bottom-left corners (8 numbers)',
    })),
  },
  { additionalProperties: false },
);
const GlyphParams = Type.Object({
  fontstack: Type.String({ maxLength: 200, description: 'the font names of a style\'s text-font, comma-separated; every stack is drawn with DejaVu Sans' }),
  range: Type.String({ pattern: '^[0-9]{1,5}-[0-9]{1,5}\\.pbf$', description: 'start-end.pbf, 256 code points' }),
});
const TileParams = Type.Object({
  z: Type.Integer({ minimum: 0, maximum: 30 }),
  x: Type.Integer({ minimum: 0 }),
  y: Type.Integer({ minimum: 0 }),
});

function notFound(message: string): Error {
  return Object.assign(new Error(message), { statusCode: 404 });
}

export function registerBasemapRoutes(app: FastifyInstance, deps: MapApiDeps, guard: Guard): void {
  const store = deps.basemapDir ? new BasemapStore(deps.basemapDir) : null;
  const glyphs = new GlyphSource(deps.glyphFont);
  app.addHook('onClose', async () => {
    store?.close();
    await glyphs.close();
  });
  app.addContentTypeParser(BASEMAP_CONTENT_TYPES, { parseAs: 'buffer', bodyLimit: BASEMAP_BODY_LIMIT }, (_req, body, done) => done(null, body));

  app.post<{ Querystring: Static<typeof ImportQuery> }>('/api/map/basemap', {
    bodyLimit: BASEMAP_BODY_LIMIT,
    schema: {
      tags,
      summary: 'Import the city\'s basemap as the body: a PMTiles v3 archive (application/vnd.pmtiles), an MBTiles file (application/vnd.mbtiles) or a georeferenced image (image/png, image/jpeg, image/webp, with ?corners=); a file that does not read is refused with the reason and the previous basemap stays (audited)',
      querystring: ImportQuery,
      response: { 200: Type.Object({ basemap: Type.Unknown() }), ...errors },
    },
  }, async (req) => {
    const user = guard(req, 'camera.update', { type: 'cameras' });
    if (!store) throw notFound('basemap import is not configured on this server');
    const kind = basemapKindOf(String(req.headers['content-type'] ?? ''));
    if (!Buffer.isBuffer(req.body)) throw Object.assign(new Error('body: expected the basemap file'), { statusCode: 400, validation: true });
    let upload: BasemapUpload;
    if (kind === 'raster') {
      if (!req.query.corners) throw Object.assign(new Error('querystring/corners: an image needs where its corners lie (lon,lat × 4: top-left, top-right, bottom-right, bottom-left)'), { statusCode: 400, validation: true });
      upload = { kind, data: req.body, corners: parseCorners(req.query.corners) };
    } else upload = { kind, data: req.body };
    const info = await store.import(upload);
    await deps.map.recordBasemapImport({ id: user.id, ip: req.ip }, info);
    return { basemap: info };
  });

  app.get('/api/map/basemap', { schema: { tags, summary: 'Which basemap the map draws: an imported one (PMTiles, MBTiles, image), the built-in one, or none' } }, async (req) => {
    guard(req, 'camera.list', { type: 'cameras' });
    const imported = store?.info();
    if (imported) return { basemap: imported };
    const builtIn = deps.basemap ? await deps.basemap() : null;
    return { basemap: builtIn ? { kind: 'geojson' } : { kind: 'none' } };
  });

  // Range requests, as the PMTiles reader in the browser asks for a few KB at a time.
  app.get('/api/map/basemap.pmtiles', { schema: { tags, summary: 'The imported PMTiles archive (HTTP range requests)' } }, async (req, reply) => {
    guard(req, 'camera.list', { type: 'cameras' });
    const archive = store?.pmtiles();
    if (!archive) throw notFound('no PMTiles basemap was imported');
    const { file, size } = archive;
    const m = /^bytes=(\d+)-(\d*)$/.exec(String(req.headers.range ?? ''));
    const start = m ? Number(m[1]) : 0;
    const end = m && m[2] ? Math.min(Number(m[2]), size - 1) : size - 1;
    if (start >= size || end < start) {
      reply.status(416).header('content-range', `bytes */${size}`).send();
      return;
    }
    const buf = Buffer.alloc(end - start + 1);
    const fd = openSync(file, 'r');
    try { readSync(fd, buf, 0, buf.length, start); } finally { closeSync(fd); }
    reply.header('accept-ranges', 'bytes').type('application/vnd.pmtiles');
    if (m) reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`);
    return reply.send(buf);
  });

  app.get<{ Params: Static<typeof TileParams> }>('/api/map/basemap/tiles/:z/:x/:y', {
    schema: { tags, summary: 'A tile of the imported MBTiles basemap (z/x/y as the map asks); 204 where the file has none', params: TileParams },
  }, async (req, reply) => {
    guard(req, 'camera.list', { type: 'cameras' });
    if (store?.info()?.kind !== 'mbtiles') throw notFound('no MBTiles basemap was imported');
    const tile = store.tile(req.params.z, req.params.x, req.params.y);
    // An empty answer is an empty tile to the map (a 404 would be logged as an error for every gap).
    if (!tile) return reply.status(204).send();
    reply.type(tile.contentType).header('cache-control', 'private, max-age=300');
    if (tile.gzip) reply.header('content-encoding', 'gzip');
    return reply.send(tile.data);
  });

  // The glyphs of the map's text, so labels in Latin and Arabic script need no glyph server outside.
  app.get<{ Params: Static<typeof GlyphParams> }>('/api/map/glyphs/:fontstack/:range', {
    schema: { tags, summary: 'Glyphs for the map\'s labels (SDF, 256 code points a range), built by Vigil from DejaVu Sans', params: GlyphParams },
  }, async (req, reply) => {
    guard(req, 'camera.list', { type: 'cameras' });
    const [start, end] = req.params.range.replace('.pbf', '').split('-').map(Number) as [number, number];
    if (end !== start + 255) throw new MapError('MAP_BAD_INPUT', `range: ${req.params.range}: expected start-(start+255).pbf`);
    const bytes = await glyphs.range(start);
    reply.type('application/x-protobuf').header('cache-control', 'private, max-age=86400');
    return reply.send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  });

  app.get('/api/map/basemap/image', { schema: { tags, summary: 'The imported georeferenced image' } }, async (req, reply) => {
    guard(req, 'camera.list', { type: 'cameras' });
    const image = store?.image();
    if (!image) throw notFound('no image basemap was imported');
    reply.type(image.contentType).header('cache-control', 'private, max-age=300');
    return reply.send(image.data);
  });
}
