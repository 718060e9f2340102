// An imported MBTiles basemap (a SQLite file of tiles, https://github.com/mapbox/mbtiles-spec): read
// before it is kept, then served tile by tile. An adapter: it opens the file with node:sqlite.
import { DatabaseSync } from 'node:sqlite';
import { gunzipSync } from 'node:zlib';
import { MapError } from './errors.ts';

export interface MbtilesInfo {
  kind: 'mbtiles';
  tileType: 'mvt' | 'png' | 'jpeg' | 'webp';
  minZoom: number;
  maxZoom: number;
  /** west, south, east, north */
  bounds: [number, number, number, number];
  vectorLayers: string[];
  bytes: number;
}

const FORMATS: Record<string, MbtilesInfo['tileType']> = { pbf: 'mvt', mvt: 'mvt', png: 'png', jpg: 'jpeg', jpeg: 'jpeg', webp: 'webp' };

function bad(reason: string): MapError {
  return new MapError('MAP_BASEMAP_INVALID', `not a usable MBTiles basemap: ${reason}`);
}

/** Opens, reads the metadata and one tile; throws MAP_BASEMAP_INVALID naming what is wrong. */
export function checkMbtiles(file: string, bytes: number): MbtilesInfo {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: true });
  } catch (error) {
    throw bad((error as Error).message);
  }
  try {
    let names: string[];
    try {
      names = (db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')").all() as { name: string }[]).map((r) => r.name);
    } catch (error) {
      throw bad(`${(error as Error).message} (not a SQLite file?)`);
    }
    for (const t of ['metadata', 'tiles']) if (!names.includes(t)) throw bad(`no "${t}" table`);
    const meta = new Map((db.prepare('SELECT name, value FROM metadata').all() as { name: string; value: string }[]).map((r) => [String(r.name), String(r.value)]));
    const format = (meta.get('format') ?? '').toLowerCase();
    const tileType = FORMATS[format];
    if (!tileType) throw bad(`metadata "format" is "${format}": expected pbf, png, jpg or webp`);
    const zooms = db.prepare('SELECT MIN(zoom_level) AS lo, MAX(zoom_level) AS hi, COUNT(*) AS n FROM (SELECT zoom_level FROM tiles LIMIT 1000000)').get() as { lo: number | null; hi: number | null; n: number };
    if (!zooms.n) throw bad('it holds no tiles');
    const minZoom = Number(meta.get('minzoom') ?? zooms.lo);
    const maxZoom = Number(meta.get('maxzoom') ?? zooms.hi);
    if (!Number.isInteger(minZoom) || !Number.isInteger(maxZoom) || minZoom < 0 || maxZoom > 30 || minZoom > maxZoom) throw bad(`zoom range ${meta.get('minzoom')}–${meta.get('maxzoom')} is not usable`);
    const b = (meta.get('bounds') ?? '-180,-85.0511,180,85.0511').split(',').map(Number);
    if (b.length !== 4 || !b.every(Number.isFinite) || b[0]! > b[2]! || b[1]! > b[3]!) throw bad(`metadata "bounds" is "${meta.get('bounds')}": expected west,south,east,north`);
    const sample = db.prepare('SELECT tile_data FROM tiles LIMIT 1').get() as { tile_data: Uint8Array } | undefined;
    const data = sample?.tile_data;
    if (!(data instanceof Uint8Array) || data.length === 0) throw bad('its first tile is empty or not binary');
    checkTileBytes(tileType, data);
    let vectorLayers: string[] = [];
    if (tileType === 'mvt') {
      try {
        const json = JSON.parse(meta.get('json') ?? '{}') as { vector_layers?: { id?: unknown }[] };
        vectorLayers = Array.isArray(json.vector_layers) ? json.vector_layers.map((l) => String(l.id)).filter((id) => id !== 'undefined') : [];
      } catch {
        throw bad('metadata "json" is not JSON');
      }
    }
    return { kind: 'mbtiles', tileType, minZoom, maxZoom, bounds: b as [number, number, number, number], vectorLayers, bytes };
  } finally {
    db.close();
  }
}

function checkTileBytes(type: MbtilesInfo['tileType'], data: Uint8Array): void {
  const head = Buffer.from(data.subarray(0, 12));
  const ok = type === 'png' ? head.readUInt32BE(0) === 0x89504e47
    : type === 'jpeg' ? head[0] === 0xff && head[1] === 0xd8
    : type === 'webp' ? head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP'
    : true;
  if (!ok) throw bad(`its tiles are not ${type} images`);
  if (type === 'mvt' && head[0] === 0x1f && head[1] === 0x8b) {
    try {
      gunzipSync(data);
    } catch {
      throw bad('a gzip-compressed vector tile that does not decompress');
    }
  }
}

/** Serves tiles of a checked MBTiles file (kept open; `close` when replaced). */
export class MbtilesReader {
  private readonly db: DatabaseSync;
  private readonly get: ReturnType<DatabaseSync['prepare']>;

  constructor(file: string) {
    this.db = new DatabaseSync(file, { readOnly: true });
    this.get = this.db.prepare('SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?');
  }

  /** The tile at z/x/y (XYZ, as the map asks; MBTiles stores rows bottom-up), or null. */
  tile(z: number, x: number, y: number): { data: Buffer; gzip: boolean } | null {
    const row = this.get.get(z, x, 2 ** z - 1 - y) as { tile_data: Uint8Array } | undefined;
    if (!row) return null;
    const data = Buffer.from(row.tile_data);
    return { data, gzip: data[0] === 0x1f && data[1] === 0x8b };
  }

  close(): void {
    this.db.close();
  }
}
