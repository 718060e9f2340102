// A camera's place on the map and its cone, validated once for every way in (API, CSV, GeoJSON).
import type { CameraPlacementRow } from '../store/index.ts';
import { bboxContains, isValidLonLat, normalizeBearing, type BBox } from './geo.ts';

/** One shape for a placement, the store's (a type only: this module stays free of SQL). */
export type CameraPlacement = CameraPlacementRow;

export const PLACEMENT_LIMITS = { maxRangeM: 5_000, minAngle: 1, maxAngle: 360 } as const;

export interface PlacementCheck {
  /** Field-named problems; empty when the placement is usable. */
  problems: string[];
  placement: CameraPlacement | null;
}

export interface RawPlacement {
  cameraId?: unknown;
  lon?: unknown;
  lat?: unknown;
  bearing?: unknown;
  angle?: unknown;
  range?: unknown;
  ptz?: unknown;
  siteId?: unknown;
}

function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

function bool(v: unknown): boolean | null {
  if (v === undefined || v === null || v === '') return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1 ? true : v === 0 ? false : null;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (['1', 'true', 'yes', 'ptz'].includes(s)) return true;
    if (['0', 'false', 'no', 'fixed'].includes(s)) return false;
  }
  return null;
}

/**
 * Checks one placement. `region`, when given, is where the city lies: a point outside it whose
 * swapped coordinates fall inside is reported as swapped (Kabul's 69°E 34°N is a valid point either way
 * round, so range checks alone cannot see the mistake).
 */
export function checkPlacement(raw: RawPlacement, region?: BBox): PlacementCheck {
  const problems: string[] = [];
  const cameraId = typeof raw.cameraId === 'string' ? raw.cameraId.trim() : '';
  if (!cameraId) problems.push('camera: missing');
  const lon = num(raw.lon);
  const lat = num(raw.lat);
  if (lon === null) problems.push('lon: missing or not a number');
  if (lat === null) problems.push('lat: missing or not a number');
  if (lon !== null && lat !== null) {
    if (!isValidLonLat(lon, lat)) {
      const swapped = isValidLonLat(lat, lon);
      problems.push(`lon/lat: ${lon}, ${lat} is not on Earth (lon -180..180, lat -90..90)${swapped ? '; lon and lat look swapped' : ''}`);
    } else if (region && !bboxContains(region, [lon, lat])) {
      problems.push(bboxContains(region, [lat, lon])
        ? `lon/lat: ${lon}, ${lat} lies outside the city but ${lat}, ${lon} inside it: lon and lat look swapped`
        : `lon/lat: ${lon}, ${lat} lies outside the city's area`);
    }
  }
  const bearing = raw.bearing === undefined || raw.bearing === '' ? 0 : num(raw.bearing);
  if (bearing === null) problems.push('bearing: not a number');
  const angle = raw.angle === undefined || raw.angle === '' ? 90 : num(raw.angle);
  if (angle === null || angle < PLACEMENT_LIMITS.minAngle || angle > PLACEMENT_LIMITS.maxAngle) {
    problems.push(`angle: expected ${PLACEMENT_LIMITS.minAngle}–${PLACEMENT_LIMITS.maxAngle} degrees`);
  }
  const range = raw.range === undefined || raw.range === '' ? 50 : num(raw.range);
  if (range === null || range <= 0 || range > PLACEMENT_LIMITS.maxRangeM) problems.push(`range: expected 0–${PLACEMENT_LIMITS.maxRangeM} metres`);
  const ptz = bool(raw.ptz);
  if (ptz === null) problems.push('ptz: expected true/false');
  const siteId = typeof raw.siteId === 'string' && raw.siteId.trim() ? raw.siteId.trim() : null;
  if (problems.length) return { problems, placement: null };
  return {
    problems,
    placement: { cameraId, lon: lon!, lat: lat!, bearing: normalizeBearing(bearing!), angle: angle!, range: range!, ptz: ptz!, siteId },
  };
}
