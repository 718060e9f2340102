// POST /api/cameras/import (issue 15): a city's camera list as CSV or GeoJSON, checked row by
// row; with dryRun nothing is created. The report names every refused row and why.
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from '@sinclair/typebox';
import type { ApiDeps, Guard } from './types.ts';
import { importCameras, parseCameraCsv, parseCameraGeoJson } from '../cameras/index.ts';
import { MAX_IMPORT_BYTES } from '../map/index.ts';
import { CameraImportReportSchema, ErrorSchema } from './schemas.ts';

const Body = Type.Object(
  {
    format: Type.Union([Type.Literal('csv'), Type.Literal('geojson')]),
    text: Type.String({ minLength: 1, maxLength: MAX_IMPORT_BYTES, description: 'The file\'s text. CSV: a header row with at least name and url (also id, username, password, sub_url, transport, enabled, record).' }),
    dryRun: Type.Boolean({ default: false, description: 'Check every row, create nothing.' }),
    offset: Type.Integer({ minimum: 0, maximum: 100_000_000, default: 0, description: 'When a large file is sent in parts (the browser does, to show progress): the rows of the whole file before this part, so that "line N" and "feature N" in the report count from the whole file. A CSV part repeats the header line.' }),
  },
  { additionalProperties: false },
);

export function registerCameraImportRoute(app: FastifyInstance, deps: ApiDeps, guard: Guard): void {
  app.post<{ Body: Static<typeof Body> }>(
    '/api/cameras/import',
    {
      // 62,000 cameras as CSV are about 5 MB: this route alone takes bodies that large.
      bodyLimit: MAX_IMPORT_BYTES + 65536,
      schema: { tags: ['cameras'], summary: 'Import cameras from CSV or GeoJSON (row by row; dry run; report of what was taken and refused)', body: Body, response: { 200: CameraImportReportSchema, 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema } },
    },
    async (req) => {
      const user = guard(req, 'camera.create', { type: 'cameras' });
      const parsed = req.body.format === 'csv' ? parseCameraCsv(req.body.text) : parseCameraGeoJson(req.body.text);
      const report = await importCameras(deps.cameras, deps.store, parsed, { dryRun: req.body.dryRun, actor: { id: user.id, ip: req.ip } });
      const offset = req.body.offset;
      const renumber = (where: string) => (offset ? where.replace(/^(line|feature) (\d+)$/, (_m, what: string, n: string) => `${what} ${Number(n) + offset}`) : where);
      return { dryRun: report.dryRun, taken: report.taken.length, refused: report.refused.map((r) => ({ ...r, where: renumber(r.where) })), created: report.dryRun ? [] : report.taken.map((t) => t.id!) };
    },
  );
}
