// An imported basemap (a PMTiles v3 archive) is read before it is kept: a corrupt or truncated file
// is refused with the reason, so the map never starts on a file it cannot draw.
import { PMTiles, TileType, type Source } from 'pmtiles';
import { MapError } from './errors.ts';

export interface BasemapInfo {
  kind: 'pmtiles';
  tileType: 'mvt' | 'png' | 'jpeg' | 'webp' | 'avif';
  minZoom: number;
  maxZoom: number;
  /** west, south, east, north */
  bounds: [number, number, number, number];
  /** Names of the vector layers (from the archive's metadata), for a generic style. */
  vectorLayers: string[];
  bytes: number;
}

const HEADER_BYTES = 127;
const TILE_TYPES: Partial<Record<TileType, BasemapInfo['tileType']>> = {
  [TileType.Mvt]: 'mvt', [TileType.Png]: 'png', [TileType.Jpeg]: 'jpeg', [TileType.Webp]: 'webp', [TileType.Avif]: 'avif',
};

function bad(reason: string): MapError {
  return new MapError('MAP_BASEMAP_INVALID', `not a usable PMTiles basemap: ${reason}`);
}

class BufferSource implements Source {
  private readonly buf: Uint8Array;
  constructor(buf: Uint8Array) { this.buf = buf; }
  getKey(): string { return 'upload'; }
  async getBytes(offset: number, length: number) {
    if (offset + length > this.buf.length && offset >= this.buf.length) throw bad(`a read at byte ${offset} lies beyond the file's ${this.buf.length} bytes (truncated?)`);
    const slice = this.buf.slice(offset, Math.min(this.buf.length, offset + length));
    return { data: slice.buffer.slice(slice.byteOffset, slice.byteOffset + slice.byteLength) as ArrayBuffer };
  }
}

/** Reads the header, the metadata and the root directory; throws MAP_BASEMAP_INVALID naming what is wrong. */
export async function checkPmtiles(buf: Uint8Array): Promise<BasemapInfo> {
  if (buf.length < HEADER_BYTES) throw bad(`${buf.length} bytes, shorter than the ${HEADER_BYTES}-byte header`);
  if (Buffer.from(buf.subarray(0, 7)).toString('latin1') !== 'PMTiles') throw bad('the file does not start with the PMTiles magic');
  if (buf[7] !== 3) throw bad(`PMTiles version ${buf[7]}: only version 3 is read`);
  const archive = new PMTiles(new BufferSource(buf));
  let header;
  try {
    header = await archive.getHeader();
  } catch (error) {
    throw error instanceof MapError ? error : bad(`header: ${(error as Error).message}`);
  }
  const spans: [string, number, number][] = [
    ['root directory', header.rootDirectoryOffset, header.rootDirectoryLength],
    ['metadata', header.jsonMetadataOffset, header.jsonMetadataLength],
    ['tile data', header.tileDataOffset, header.tileDataLength ?? 0],
  ];
  for (const [what, offset, length] of spans) {
    if (offset + length > buf.length) throw bad(`the ${what} (bytes ${offset}–${offset + length}) lies beyond the file's ${buf.length} bytes: truncated`);
  }
  const tileType = TILE_TYPES[header.tileType];
  if (!tileType) throw bad(`tile type ${header.tileType} is not one a map can draw (vector MVT, PNG, JPEG, WebP, AVIF)`);
  if (header.minZoom > header.maxZoom) throw bad(`zoom range ${header.minZoom}–${header.maxZoom} is empty`);
  let metadata: unknown;
  try {
    metadata = await archive.getMetadata();
    // The root directory decodes (the centre tile's lookup walks it).
    await archive.getZxy(header.minZoom, 0, 0);
  } catch (error) {
    throw error instanceof MapError ? error : bad(`metadata or directory: ${(error as Error).message}`);
  }
  const layers = (metadata as { vector_layers?: { id?: unknown }[] } | null)?.vector_layers;
  return {
    kind: 'pmtiles',
    tileType,
    minZoom: header.minZoom,
    maxZoom: header.maxZoom,
    bounds: [header.minLon, header.minLat, header.maxLon, header.maxLat],
    vectorLayers: Array.isArray(layers) ? layers.map((l) => String(l.id)).filter((id) => id !== 'undefined') : [],
    bytes: buf.length,
  };
}
