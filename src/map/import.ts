// Camera placements and sites from the files a city already has: CSV (lon, lat, bearing, angle,
// range, site) and GeoJSON. Every problem names its line or feature; whether a file with bad rows is
// refused whole or imported without them is the caller's choice (`skipBad`), never silent.
import { MapError } from './errors.ts';
import { isValidLonLat, type BBox, type LonLat } from './geo.ts';
import { checkPlacement, type CameraPlacement, type RawPlacement } from './placement.ts';
import { isSiteKind, SITE_KINDS, type Site, type SiteKind } from './sites.ts';

/** Larger files are refused before parsing (a city's 62,000 cameras as CSV are ~5 MB). */
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
/** How many problems an error lists before it says "and N more". */
const LISTED_PROBLEMS = 50;

export interface ImportProblem {
  /** "line 7" or "feature 3" (1-based, as an editor shows them). */
  where: string;
  message: string;
}

export interface ImportResult<T> {
  items: T[];
  /** Where each item came from ("line 7", "feature 3"), same order as items. */
  wheres: string[];
  problems: ImportProblem[];
}

function checkSize(text: string): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_IMPORT_BYTES) {
    throw new MapError('MAP_IMPORT_TOO_LARGE', `file is ${(bytes / 1048576).toFixed(1)} MB; at most ${MAX_IMPORT_BYTES / 1048576} MB is imported at once (split it)`);
  }
}

/** All or nothing unless skipBad: throws MAP_IMPORT_INVALID listing the problems. */
export function acceptImport<T>(result: ImportResult<T>, skipBad: boolean): T[] {
  if (result.problems.length && (!skipBad || result.items.length === 0)) {
    const listed = result.problems.slice(0, LISTED_PROBLEMS).map((p) => `${p.where}: ${p.message}`);
    const more = result.problems.length - listed.length;
    throw new MapError('MAP_IMPORT_INVALID', `nothing imported: ${result.problems.length} bad row(s): ${listed.join('; ')}${more > 0 ? `; and ${more} more` : ''}`, {
      problems: result.problems.slice(0, LISTED_PROBLEMS),
      total: result.problems.length,
    });
  }
  return result.items;
}

/** Adds problems found after parsing (e.g. an unknown camera id) and drops the items they name. */
export function rejectItems<T>(result: ImportResult<T>, bad: (item: T) => string | null): ImportResult<T> {
  const items: T[] = [];
  const wheres: string[] = [];
  const problems = [...result.problems];
  result.items.forEach((item, i) => {
    const why = bad(item);
    if (why) problems.push({ where: result.wheres[i]!, message: why });
    else { items.push(item); wheres.push(result.wheres[i]!); }
  });
  const line = (w: string) => Number(w.replace(/\D+/g, ''));
  problems.sort((a, b) => line(a.where) - line(b.where));
  return { items, wheres, problems };
}

// --- CSV ---------------------------------------------------------------------------------------

/** RFC 4180 records with their 1-based starting line numbers (a quoted field may span lines). */
export function parseCsvRecords(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0]!.trim() === '')) out.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  for (; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',' || ch === ';' || ch === '\t') { fields.push(field); field = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else field += ch;
  }
  if (field !== '' || fields.length) endRecord();
  return out;
}

const CSV_ALIASES: Record<string, keyof RawPlacement> = {
  camera: 'cameraId', camera_id: 'cameraId', cameraid: 'cameraId', id: 'cameraId',
  lon: 'lon', lng: 'lon', longitude: 'lon', x: 'lon',
  lat: 'lat', latitude: 'lat', y: 'lat',
  bearing: 'bearing', heading: 'bearing', direction: 'bearing',
  angle: 'angle', fov: 'angle', hfov: 'angle',
  range: 'range', range_m: 'range', distance: 'range',
  ptz: 'ptz',
  site: 'siteId', site_id: 'siteId',
};

export function parsePlacementCsv(text: string, region?: BBox): ImportResult<CameraPlacement> {
  checkSize(text);
  const records = parseCsvRecords(text);
  if (records.length === 0) return { items: [], wheres: [], problems: [{ where: 'line 1', message: 'empty file: expected a header line (camera, lon, lat, bearing, angle, range, site)' }] };
  const header = records[0]!;
  const columns = header.fields.map((h) => CSV_ALIASES[h.trim().toLowerCase()]);
  const missing = (['cameraId', 'lon', 'lat'] as const).filter((k) => !columns.includes(k));
  if (missing.length) {
    const names = missing.map((k) => (k === 'cameraId' ? 'camera' : k));
    return { items: [], wheres: [], problems: [{ where: `line ${header.line}`, message: `header lacks column(s) ${names.join(', ')} (found: ${header.fields.join(', ')})` }] };
  }
  const items: CameraPlacement[] = [];
  const wheres: string[] = [];
  const problems: ImportProblem[] = [];
  const seen = new Map<string, number>();
  for (const rec of records.slice(1)) {
    const raw: RawPlacement = {};
    columns.forEach((key, i) => { if (key) raw[key] = rec.fields[i]; });
    if (rec.fields.length !== header.fields.length) {
      problems.push({ where: `line ${rec.line}`, message: `${rec.fields.length} fields, the header has ${header.fields.length}` });
      continue;
    }
    const check = checkPlacement(raw, region);
    if (!check.placement) { problems.push({ where: `line ${rec.line}`, message: check.problems.join('; ') }); continue; }
    const first = seen.get(check.placement.cameraId);
    if (first !== undefined) { problems.push({ where: `line ${rec.line}`, message: `camera ${check.placement.cameraId} already placed on line ${first}` }); continue; }
    seen.set(check.placement.cameraId, rec.line);
    items.push(check.placement);
    wheres.push(`line ${rec.line}`);
  }
  return { items, wheres, problems };
}

// --- GeoJSON -----------------------------------------------------------------------------------

function parseJson(text: string): unknown {
  checkSize(text);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new MapError('MAP_IMPORT_INVALID', `not valid JSON: ${(error as Error).message}`);
  }
}

function features(doc: unknown): unknown[] {
  const d = doc as { type?: unknown; features?: unknown };
  if (d && d.type === 'FeatureCollection' && Array.isArray(d.features)) return d.features;
  if (d && d.type === 'Feature') return [d];
  throw new MapError('MAP_IMPORT_INVALID', 'expected a GeoJSON FeatureCollection or Feature');
}

type Props = Record<string, unknown>;

function pick(props: Props, ...names: string[]): unknown {
  for (const n of names) if (props[n] !== undefined) return props[n];
  return undefined;
}

export function parsePlacementGeoJson(text: string, region?: BBox): ImportResult<CameraPlacement> {
  const list = features(parseJson(text));
  const items: CameraPlacement[] = [];
  const wheres: string[] = [];
  const problems: ImportProblem[] = [];
  const seen = new Map<string, number>();
  list.forEach((f, i) => {
    const where = `feature ${i + 1}`;
    const feat = f as { geometry?: { type?: unknown; coordinates?: unknown }; properties?: unknown; id?: unknown };
    if (!feat || feat.geometry?.type !== 'Point' || !Array.isArray(feat.geometry.coordinates)) {
      problems.push({ where, message: 'geometry: expected a Point' });
      return;
    }
    const props = (feat.properties && typeof feat.properties === 'object' ? feat.properties : {}) as Props;
    const [lon, lat] = feat.geometry.coordinates as unknown[];
    const raw: RawPlacement = {
      cameraId: pick(props, 'camera', 'cameraId', 'camera_id', 'id') ?? feat.id,
      lon, lat,
      bearing: pick(props, 'bearing', 'heading', 'direction'),
      angle: pick(props, 'angle', 'fov', 'hfov'),
      range: pick(props, 'range', 'range_m', 'distance'),
      ptz: pick(props, 'ptz'),
      siteId: pick(props, 'site', 'siteId', 'site_id'),
    };
    const check = checkPlacement(raw, region);
    if (!check.placement) { problems.push({ where, message: check.problems.join('; ') }); return; }
    const first = seen.get(check.placement.cameraId);
    if (first !== undefined) { problems.push({ where, message: `camera ${check.placement.cameraId} already placed by feature ${first}` }); return; }
    seen.set(check.placement.cameraId, i + 1);
    items.push(check.placement);
    wheres.push(where);
  });
  return { items, wheres, problems };
}

/** Checks a site outside of any file (API) too: a field-named list of problems. */
export function checkSite(raw: { id?: unknown; name?: unknown; kind?: unknown; priority?: unknown; polygon?: unknown }): { problems: string[]; site: Site | null } {
  const problems: string[] = [];
  const name = typeof raw.name === 'string' ? raw.name.trim() : '';
  if (!name) problems.push('name: missing');
  const kind = typeof raw.kind === 'string' ? raw.kind.trim().toLowerCase() : 'other';
  if (!isSiteKind(kind)) problems.push(`kind: expected one of ${SITE_KINDS.join(', ')}`);
  const priority = raw.priority === undefined ? 3 : Number(raw.priority);
  if (!Number.isInteger(priority) || priority < 1 || priority > 5) problems.push('priority: expected an integer 1 (highest) to 5');
  const ring: LonLat[] = [];
  if (!Array.isArray(raw.polygon)) problems.push('polygon: expected an array of [lon, lat] points');
  else {
    raw.polygon.forEach((pt: unknown, i: number) => {
      const p = pt as unknown[];
      if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number' || !isValidLonLat(p[0], p[1])) {
        problems.push(`polygon[${i}]: expected [lon, lat] within -180..180, -90..90`);
      } else ring.push([p[0], p[1]]);
    });
    const distinct = new Set(ring.map((p) => `${p[0]},${p[1]}`));
    if (ring.length === raw.polygon.length && distinct.size < 3) problems.push('polygon: needs at least 3 distinct points');
  }
  if (problems.length) return { problems, site: null };
  const id = typeof raw.id === 'string' && raw.id.trim() ? raw.id.trim() : '';
  return { problems, site: { id, name, kind: kind as SiteKind, priority, polygon: ring } };
}

/** Sites from GeoJSON Polygon features (name, kind, priority in properties; the outer ring only). */
export function parseSitesGeoJson(text: string): ImportResult<Site> {
  const list = features(parseJson(text));
  const items: Site[] = [];
  const wheres: string[] = [];
  const problems: ImportProblem[] = [];
  list.forEach((f, i) => {
    const where = `feature ${i + 1}`;
    const feat = f as { geometry?: { type?: unknown; coordinates?: unknown }; properties?: unknown; id?: unknown };
    if (!feat || feat.geometry?.type !== 'Polygon' || !Array.isArray(feat.geometry.coordinates)) {
      problems.push({ where, message: 'geometry: expected a Polygon' });
      return;
    }
    const props = (feat.properties && typeof feat.properties === 'object' ? feat.properties : {}) as Props;
    const check = checkSite({
      id: pick(props, 'id') ?? (typeof feat.id === 'string' ? feat.id : undefined),
      name: pick(props, 'name'),
      kind: pick(props, 'kind', 'type'),
      priority: pick(props, 'priority'),
      polygon: (feat.geometry.coordinates as unknown[])[0],
    });
    if (!check.site) problems.push({ where, message: check.problems.join('; ') });
    else { items.push(check.site); wheres.push(where); }
  });
  return { items, wheres, problems };
}
