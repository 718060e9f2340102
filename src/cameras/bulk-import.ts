// Bulk import of a city's camera list (issue 15): CSV with a header row (name, url; optionally id,
// username, password, sub_url, transport, enabled, record) or GeoJSON features with those
// properties. Every row is checked on its own and named by its line or feature; a dry run checks
// everything and creates nothing; a real run creates the good rows and reports the refused ones
// (their placements on the map go through the map's own import).
import { parseCsvRecords, MAX_IMPORT_BYTES } from '../map/index.ts';
import type { Store } from '../store/index.ts';
import type { Actor, CameraInput, CameraService } from './camera-service.ts';
import { splitCameraUrl } from './camera-url.ts';

export interface CameraImportRow {
  /** "line 7" or "feature 3" */
  where: string;
  input: CameraInput;
}

export interface CameraImportReport {
  dryRun: boolean;
  /** Rows created (or, in a dry run, that would be). */
  taken: { where: string; id: string | null }[];
  refused: { where: string; message: string }[];
}

const ID = /^[a-z0-9][a-z0-9_-]{0,63}$/;
const ALIASES: Record<string, keyof CameraInput> = {
  id: 'id', camera: 'id', camera_id: 'id',
  name: 'name', title: 'name',
  url: 'url', rtsp: 'url', rtsp_url: 'url', stream: 'url',
  sub_url: 'subUrl', suburl: 'subUrl', substream: 'subUrl',
  username: 'username', user: 'username', login: 'username',
  password: 'password', pass: 'password',
  transport: 'transport', enabled: 'enabled', record: 'record',
};

function bool(v: string | boolean | undefined, field: string): boolean | undefined {
  if (v === undefined || v === '') return undefined;
  if (typeof v === 'boolean') return v;
  if (/^(1|true|yes|y)$/i.test(v)) return true;
  if (/^(0|false|no|n)$/i.test(v)) return false;
  throw new Error(`${field}: expected true or false, got ${JSON.stringify(v)}`);
}

/** One row's fields to a camera input, or the problem with it. */
export function checkCameraRow(raw: Record<string, unknown>): { input: CameraInput | null; problem: string | null } {
  try {
    const s = (k: string) => (raw[k] === undefined || raw[k] === null ? undefined : String(raw[k]).trim());
    const name = s('name');
    if (!name) throw new Error('name: expected a name, got nothing');
    if (name.length > 200) throw new Error('name: at most 200 characters');
    const url = s('url');
    if (!url) throw new Error('url: expected an rtsp:// URL, got nothing');
    splitCameraUrl(url, 'url'); // throws with a message naming the field
    const id = s('id') || undefined;
    if (id !== undefined && !ID.test(id)) throw new Error(`id: expected lower-case letters, digits, - and _ (at most 64), got ${JSON.stringify(id)}`);
    const subUrl = s('subUrl') || undefined;
    if (subUrl) {
      try {
        splitCameraUrl(subUrl, 'sub_url');
      } catch (e) {
        throw new Error((e as Error).message);
      }
    }
    const transport = s('transport') || undefined;
    if (transport !== undefined && transport !== 'tcp' && transport !== 'udp') throw new Error(`transport: expected tcp or udp, got ${JSON.stringify(transport)}`);
    return {
      input: {
        id,
        name,
        url,
        subUrl: subUrl ?? null,
        username: s('username') || undefined,
        password: s('password') || undefined,
        transport: transport as 'tcp' | 'udp' | undefined,
        enabled: bool(raw.enabled as string | boolean | undefined, 'enabled'),
        record: bool(raw.record as string | boolean | undefined, 'record'),
      },
      problem: null,
    };
  } catch (e) {
    return { input: null, problem: (e as Error).message };
  }
}

function tooLarge(text: string): string | null {
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > MAX_IMPORT_BYTES ? `file is ${(bytes / 1048576).toFixed(1)} MB; at most ${MAX_IMPORT_BYTES / 1048576} MB is imported at once (split it)` : null;
}

export function parseCameraCsv(text: string): { rows: CameraImportRow[]; refused: CameraImportReport['refused'] } {
  const big = tooLarge(text);
  if (big) return { rows: [], refused: [{ where: 'file', message: big }] };
  const records = parseCsvRecords(text);
  const header = records.shift();
  if (!header) return { rows: [], refused: [{ where: 'file', message: 'empty: expected a header row (name,url,...) and one row per camera' }] };
  const cols = header.fields.map((f) => ALIASES[f.trim().toLowerCase()] ?? null);
  if (!cols.includes('name') || !cols.includes('url')) return { rows: [], refused: [{ where: `line ${header.line}`, message: 'header: expected at least the columns name and url' }] };
  const rows: CameraImportRow[] = [];
  const refused: CameraImportReport['refused'] = [];
  for (const r of records) {
    const raw: Record<string, unknown> = {};
    cols.forEach((c, i) => {
      if (c && r.fields[i] !== undefined) raw[c] = r.fields[i];
    });
    const { input, problem } = checkCameraRow(raw);
    if (input) rows.push({ where: `line ${r.line}`, input });
    else refused.push({ where: `line ${r.line}`, message: problem! });
  }
  return { rows, refused };
}

export function parseCameraGeoJson(text: string): { rows: CameraImportRow[]; refused: CameraImportReport['refused'] } {
  const big = tooLarge(text);
  if (big) return { rows: [], refused: [{ where: 'file', message: big }] };
  let doc: { type?: unknown; features?: unknown };
  try {
    doc = JSON.parse(text) as typeof doc;
  } catch (e) {
    return { rows: [], refused: [{ where: 'file', message: `not valid JSON: ${(e as Error).message}` }] };
  }
  if (doc?.type !== 'FeatureCollection' || !Array.isArray(doc.features)) return { rows: [], refused: [{ where: 'file', message: 'expected a GeoJSON FeatureCollection' }] };
  const rows: CameraImportRow[] = [];
  const refused: CameraImportReport['refused'] = [];
  doc.features.forEach((f: unknown, i: number) => {
    const where = `feature ${i + 1}`;
    const props = (f as { properties?: Record<string, unknown> })?.properties;
    if (!props || typeof props !== 'object') return void refused.push({ where, message: 'properties: expected an object with name and url' });
    const raw: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(props)) {
      const c = ALIASES[k.toLowerCase()];
      if (c) raw[c] = v;
    }
    const { input, problem } = checkCameraRow(raw);
    if (input) rows.push({ where, input });
    else refused.push({ where, message: problem! });
  });
  return { rows, refused };
}

/**
 * Creates the rows (each audited as camera.create) unless dryRun; a row whose id is taken, in the
 * store or earlier in the file, is refused and named.
 */
export async function importCameras(service: CameraService, store: Pick<Store, 'getCamera'>, parsed: { rows: CameraImportRow[]; refused: CameraImportReport['refused'] }, opts: { dryRun: boolean; actor: Actor }): Promise<CameraImportReport> {
  const report: CameraImportReport = { dryRun: opts.dryRun, taken: [], refused: [...parsed.refused] };
  const seen = new Map<string, string>();
  for (const r of parsed.rows) {
    const id = r.input.id;
    if (id !== undefined) {
      if (seen.has(id)) {
        report.refused.push({ where: r.where, message: `id: ${JSON.stringify(id)} is also on ${seen.get(id)}` });
        continue;
      }
      seen.set(id, r.where);
      if (await store.getCamera(id)) {
        report.refused.push({ where: r.where, message: `id: a camera ${JSON.stringify(id)} exists already` });
        continue;
      }
    }
    if (opts.dryRun) {
      report.taken.push({ where: r.where, id: id ?? null });
      continue;
    }
    try {
      const row = await service.create(r.input, opts.actor);
      report.taken.push({ where: r.where, id: row.id });
    } catch (e) {
      report.refused.push({ where: r.where, message: (e as Error).message });
    }
  }
  const order = (w: string) => Number(/\d+/.exec(w)?.[0] ?? 0);
  report.refused.sort((a, b) => order(a.where) - order(b.where));
  return report;
}
