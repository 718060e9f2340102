// The security map's API calls. Shapes come from the server's schemas (type-only imports), so the
// web app and the routes cannot drift apart.
import type { BasemapView, Coverage, ImportResult, MapCamera, MapCluster, MapViewData, Outage, Placement, Site } from '../api/types.ts';
import type { FeatureCollection } from 'geojson';
import { ApiError, apiErrorOf, request } from '../api/client.ts';

export type { BasemapView, Coverage, ImportResult, MapCamera, MapCluster, MapViewData, Outage, Placement, Site };

/** The cameras (clustered when many) of a viewport at a zoom. */
export async function mapView(bbox: [number, number, number, number], zoom: number, signal?: AbortSignal): Promise<MapViewData> {
  const q = new URLSearchParams({ bbox: bbox.map((x) => x.toFixed(6)).join(','), zoom: zoom.toFixed(2) });
  return request<MapViewData>('GET', `/api/map/view?${q}`, undefined, signal);
}

/** These cameras' places (the alarms of cameras out of view). */
export async function mapCamerasById(ids: string[], signal?: AbortSignal): Promise<MapCamera[]> {
  if (ids.length === 0) return [];
  const q = new URLSearchParams({ ids: ids.join(',') });
  return (await request<{ cameras: MapCamera[] }>('GET', `/api/map/cameras?${q}`, undefined, signal)).cameras;
}

export async function mapSites(signal?: AbortSignal): Promise<Site[]> {
  return (await request<{ sites: Site[] }>('GET', '/api/map/sites', undefined, signal)).sites;
}

export async function mapOutages(signal?: AbortSignal): Promise<{ current: Outage[]; past: Outage[] }> {
  return request('GET', '/api/map/outages', undefined, signal);
}

export async function mapCoverage(signal?: AbortSignal): Promise<Coverage[]> {
  return (await request<{ sites: Coverage[] }>('GET', '/api/map/coverage', undefined, signal)).sites;
}

export async function whoSees(lon: number, lat: number): Promise<{ id: string; distanceM: number }[]> {
  const q = new URLSearchParams({ lon: String(lon), lat: String(lat) });
  return (await request<{ cameras: { id: string; distanceM: number }[] }>('GET', `/api/map/who-sees?${q}`)).cameras;
}

export async function placeCamera(id: string, placement: Placement): Promise<void> {
  await request('PUT', `/api/map/cameras/${encodeURIComponent(id)}`, placement);
}

/** The built-in basemap (GeoJSON), or null when the server has none. */
export async function builtInBasemap(): Promise<FeatureCollection | null> {
  const res = await fetch('/api/map/basemap.geojson', { credentials: 'same-origin' });
  if (!res.ok) return null;
  return (await res.json()) as FeatureCollection;
}

/** Which basemap to draw: an imported one (PMTiles, MBTiles, a georeferenced image), the built-in GeoJSON, or none. */
export async function basemapInfo(): Promise<BasemapView> {
  return (await request<{ basemap: BasemapView }>('GET', '/api/map/basemap')).basemap;
}

export async function importPlacements(format: 'csv' | 'geojson', data: string, skipBad: boolean): Promise<ImportResult> {
  return request<ImportResult>('POST', '/api/map/import/placements', { format, data, skipBad });
}

export async function importSites(data: string, skipBad: boolean): Promise<ImportResult> {
  return request<ImportResult>('POST', '/api/map/import/sites', { format: 'geojson', data, skipBad });
}

/** The content type the server reads a basemap file as, from its name; null for none it takes. */
export function basemapType(fileName: string): string | null {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  return ({ pmtiles: 'application/vnd.pmtiles', mbtiles: 'application/vnd.mbtiles', png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' } as Record<string, string>)[ext] ?? null;
}

/** Sends a basemap file as it is (hundreds of MB: not through JSON); `corners` for an image. */
export async function importBasemap(file: File, corners: string | null): Promise<BasemapView> {
  const type = basemapType(file.name);
  if (!type) throw new ApiError('MAP_BAD_INPUT', `${file.name}: expected a .pmtiles, .mbtiles, .png, .jpg or .webp file`, 400);
  const q = corners ? `?${new URLSearchParams({ corners })}` : '';
  const res = await fetch(`/api/map/basemap${q}`, { method: 'POST', credentials: 'same-origin', headers: { 'content-type': type, accept: 'application/json' }, body: file });
  const json = (await res.json().catch(() => null)) as { basemap?: BasemapView; error?: { code?: string; message?: string } } | null;
  if (!res.ok) throw apiErrorOf(res, json);
  return json!.basemap!;
}
