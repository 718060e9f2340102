import { VigilError } from '../core/index.ts';

/** Stable codes of the map part (placements, sites, imports, basemaps). */
export type MapErrorCode =
  | 'MAP_BAD_INPUT'
  | 'MAP_IMPORT_INVALID'
  | 'MAP_IMPORT_TOO_LARGE'
  | 'MAP_BASEMAP_INVALID'
  | 'MAP_GLYPHS_UNAVAILABLE'
  | 'SITE_NOT_FOUND';

export class MapError extends VigilError {
  declare readonly code: MapErrorCode;
  constructor(code: MapErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, details);
  }
}
