// The city's imported basemap, kept in the data folder: a PMTiles archive, an MBTiles file or a
// georeferenced raster image. Each is read and checked before it is kept, written beside the old one
// and swapped in by a rename, so a refused or interrupted import leaves the previous basemap as it was.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { MapError } from './errors.ts';
import type { LonLat } from './geo.ts';
import { checkMbtiles, MbtilesReader, type MbtilesInfo } from './mbtiles-file.ts';
import { checkPmtiles, type BasemapInfo } from './pmtiles-check.ts';
import { checkRaster, type RasterInfo } from './raster-check.ts';

export type ImportedBasemapInfo = BasemapInfo | MbtilesInfo | RasterInfo;
export type BasemapUpload = { kind: 'pmtiles' | 'mbtiles'; data: Uint8Array } | { kind: 'raster'; data: Uint8Array; corners: [LonLat, LonLat, LonLat, LonLat] };

const FILES = { pmtiles: 'basemap.pmtiles', mbtiles: 'basemap.mbtiles', raster: 'basemap-image' } as const;
const IMAGE_TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' } as const;

export class BasemapStore {
  private readonly dir: string;
  private readonly infoFile: string;
  private reader: MbtilesReader | null = null;

  constructor(dir: string) {
    this.dir = dir;
    this.infoFile = path.join(dir, 'basemap.json');
  }

  private file(kind: keyof typeof FILES): string {
    return path.join(this.dir, FILES[kind]);
  }

  /** The imported basemap, or null while there is none (the built-in one is drawn). */
  info(): ImportedBasemapInfo | null {
    if (!existsSync(this.infoFile)) return null;
    const info = JSON.parse(readFileSync(this.infoFile, 'utf8')) as ImportedBasemapInfo;
    return existsSync(this.file(info.kind)) ? info : null;
  }

  /** Checks the upload (MAP_BASEMAP_INVALID naming what is wrong) and makes it the basemap. */
  async import(upload: BasemapUpload): Promise<ImportedBasemapInfo> {
    mkdirSync(this.dir, { recursive: true });
    const target = this.file(upload.kind);
    const tmp = `${target}.${process.pid}.tmp`;
    let info: ImportedBasemapInfo;
    try {
      if (upload.kind === 'mbtiles') {
        // SQLite reads a file, not a buffer: written aside first, kept only once it reads.
        writeFileSync(tmp, upload.data);
        info = checkMbtiles(tmp, upload.data.length);
      } else {
        info = upload.kind === 'raster' ? checkRaster(upload.data, upload.corners) : await checkPmtiles(upload.data);
        writeFileSync(tmp, upload.data);
      }
    } catch (error) {
      rmSync(tmp, { force: true });
      throw error;
    }
    this.closeReader();
    renameSync(tmp, target);
    writeFileSync(`${this.infoFile}.tmp`, JSON.stringify(info));
    renameSync(`${this.infoFile}.tmp`, this.infoFile);
    for (const kind of Object.keys(FILES) as (keyof typeof FILES)[]) if (kind !== upload.kind) rmSync(this.file(kind), { force: true });
    return info;
  }

  /** Back to the built-in basemap. Returns false when none was imported. */
  clear(): boolean {
    const had = this.info() !== null;
    this.closeReader();
    rmSync(this.infoFile, { force: true });
    for (const kind of Object.keys(FILES) as (keyof typeof FILES)[]) rmSync(this.file(kind), { force: true });
    return had;
  }

  /** The PMTiles archive's path and size, for range requests; null when the basemap is not one. */
  pmtiles(): { file: string; size: number } | null {
    if (this.info()?.kind !== 'pmtiles') return null;
    const file = this.file('pmtiles');
    return { file, size: statSync(file).size };
  }

  /** A tile of the MBTiles basemap (XYZ), or null (none there, or the basemap is not MBTiles). */
  tile(z: number, x: number, y: number): { data: Buffer; gzip: boolean; contentType: string } | null {
    const info = this.info();
    if (info?.kind !== 'mbtiles') return null;
    this.reader ??= new MbtilesReader(this.file('mbtiles'));
    const t = this.reader.tile(z, x, y);
    if (!t) return null;
    const contentType = info.tileType === 'mvt' ? 'application/vnd.mapbox-vector-tile' : info.tileType === 'png' ? 'image/png' : info.tileType === 'jpeg' ? 'image/jpeg' : 'image/webp';
    return { ...t, contentType };
  }

  /** The raster basemap's image, or null. */
  image(): { data: Buffer; contentType: string } | null {
    const info = this.info();
    if (info?.kind !== 'raster') return null;
    return { data: readFileSync(this.file('raster')), contentType: IMAGE_TYPES[info.format] };
  }

  close(): void {
    this.closeReader();
  }

  private closeReader(): void {
    this.reader?.close();
    this.reader = null;
  }
}

/** What an upload is, from its content type; MAP_BAD_INPUT for one that is none of them. */
export function basemapKindOf(contentType: string): 'pmtiles' | 'mbtiles' | 'raster' {
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  if (type === 'application/vnd.pmtiles') return 'pmtiles';
  if (['application/vnd.mbtiles', 'application/vnd.sqlite3', 'application/x-sqlite3'].includes(type)) return 'mbtiles';
  if ((Object.values(IMAGE_TYPES) as string[]).includes(type)) return 'raster';
  throw new MapError('MAP_BAD_INPUT', `content-type: ${type || 'none'}; expected application/vnd.pmtiles, application/vnd.mbtiles or an image (image/png, image/jpeg, image/webp) with its corners`);
}

export const BASEMAP_CONTENT_TYPES = ['application/vnd.pmtiles', 'application/vnd.mbtiles', 'application/vnd.sqlite3', 'application/x-sqlite3', ...Object.values(IMAGE_TYPES)];
