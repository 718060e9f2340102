// The built-in basemap an operator may replace: a GeoJSON file in the data folder, read when asked.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';

/** A loader for the GeoJSON basemap at `file`; null while there is none. */
export function geojsonBasemap(file: string): () => Promise<unknown | null> {
  return async () => (existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as unknown) : null);
}
