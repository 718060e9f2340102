// A camera list cut into parts the server takes one at a time, so the browser can show progress
// on a city's 62,000 cameras: CSV records (quote-aware, the header repeated in each part) or
// GeoJSON features. Each part says how many rows of the file come before it, so the server's
// report names lines and features of the whole file. Pure.

export type ImportFormat = 'csv' | 'geojson';

export interface ImportPart {
  text: string;
  /** Rows of the whole file before this part (the server's `offset`). */
  offset: number;
  rows: number;
}

/** From the file name, else from the first character (a JSON object is GeoJSON). */
export function detectFormat(name: string, text: string): ImportFormat {
  if (/\.(geo)?json$/i.test(name)) return 'geojson';
  if (/\.csv$/i.test(name)) return 'csv';
  return text.trimStart().startsWith('{') ? 'geojson' : 'csv';
}

/** The CSV's records with the line each starts on (a quoted field may span lines). */
export function csvRecords(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let current: string[] = [];
  let start = 1;
  let quotes = 0;
  lines.forEach((l, i) => {
    if (current.length === 0) start = i + 1;
    current.push(l);
    quotes += (l.match(/"/g) ?? []).length;
    if (quotes % 2 === 0) {
      const rec = current.join('\n');
      if (rec.trim() !== '') out.push({ text: rec, line: start });
      current = [];
      quotes = 0;
    }
  });
  if (current.length) out.push({ text: current.join('\n'), line: start });
  return out;
}

/**
 * Parts of at most `size` rows. CSV: the header line first in each part; offset is the file line
 * of the part's first row minus 2 (the server numbers a part's first row "line 2"). GeoJSON: a
 * FeatureCollection per part; a file that is not one goes whole, for the server to refuse.
 */
export function splitImport(format: ImportFormat, text: string, size = 2000): ImportPart[] {
  if (format === 'csv') {
    const records = csvRecords(text);
    if (records.length <= 1) return [{ text, offset: 0, rows: Math.max(0, records.length - 1) }];
    const [header, ...rows] = records;
    const parts: ImportPart[] = [];
    for (let i = 0; i < rows.length; i += size) {
      const chunk = rows.slice(i, i + size);
      // Blank lines between records keep their numbers: the part restates each record's line by padding.
      const lines: string[] = [header.text];
      let line = 2;
      for (const r of chunk) {
        const want = r.line - chunk[0].line + 2;
        while (line < want) {
          lines.push('');
          line++;
        }
        lines.push(r.text);
        line += r.text.split('\n').length;
      }
      parts.push({ text: lines.join('\n'), offset: chunk[0].line - 2, rows: chunk.length });
    }
    return parts;
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [{ text, offset: 0, rows: 0 }];
  }
  const features = (doc as { type?: string; features?: unknown[] })?.type === 'FeatureCollection' ? (doc as { features: unknown[] }).features : null;
  if (!Array.isArray(features)) return [{ text, offset: 0, rows: 0 }];
  const parts: ImportPart[] = [];
  for (let i = 0; i < features.length; i += size) {
    const chunk = features.slice(i, i + size);
    parts.push({ text: JSON.stringify({ type: 'FeatureCollection', features: chunk }), offset: i, rows: chunk.length });
  }
  return parts.length ? parts : [{ text, offset: 0, rows: 0 }];
}

/** Rows in the file (CSV records after the header, or features). */
export function countRows(format: ImportFormat, text: string): number {
  return splitImport(format, text, Number.MAX_SAFE_INTEGER).reduce((a, p) => a + p.rows, 0);
}
