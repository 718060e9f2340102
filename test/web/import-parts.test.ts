// The browser's bulk import sends a large file in parts: each part, checked by the server's own
// parser, names the same lines and features as the whole file would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectFormat, splitImport, countRows, csvRecords } from '../../web/src/import/import-parts.ts';
import { parseCameraCsv, parseCameraGeoJson } from '../../src/cameras/index.ts';

const CSV = [
  'name,url,id',
  'Gate 1,rtsp://10.0.0.1/s1,gate-1',
  '',
  '"Market,\nnorth",rtsp://10.0.0.2/s1,market',
  'Bad,ftp://10.0.0.3/s1,bad-1',
  'Depot,rtsp://10.0.0.4/s1,depot',
  ',rtsp://10.0.0.5/s1,noname',
  'Yard,rtsp://10.0.0.6/s1,yard',
].join('\n');

function whereOf(parts: { text: string; offset: number }[], parse: typeof parseCameraCsv): string[] {
  const out: string[] = [];
  for (const p of parts) {
    const r = parse(p.text);
    for (const x of [...r.rows.map((row) => row.where), ...r.refused.map((row) => row.where)]) out.push(x.replace(/^(line|feature) (\d+)$/, (_m, w: string, n: string) => `${w} ${Number(n) + p.offset}`));
  }
  return out.sort();
}

test('CSV parts repeat the header, keep quoted newlines whole, and name the whole file\'s lines', () => {
  assert.equal(csvRecords(CSV).length, 7);
  assert.equal(countRows('csv', CSV), 6);
  const whole = whereOf([{ text: CSV, offset: 0 }], parseCameraCsv);
  for (const size of [1, 2, 4, 100]) {
    const parts = splitImport('csv', CSV, size);
    assert.equal(parts.reduce((a, p) => a + p.rows, 0), 6);
    assert.ok(parts.every((p) => p.text.startsWith('name,url,id\n')));
    assert.deepEqual(whereOf(parts, parseCameraCsv), whole, `parts of ${size}`);
  }
  assert.deepEqual(whole, ['line 2', 'line 4', 'line 6', 'line 7', 'line 8', 'line 9']);
});

test('GeoJSON parts are FeatureCollections numbered from the whole file; anything else goes whole', () => {
  const features = Array.from({ length: 5 }, (_, i) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [69.1, 34.5] }, properties: { name: i === 3 ? '' : `Cam ${i}`, url: `rtsp://10.1.0.${i}/s` } }));
  const text = JSON.stringify({ type: 'FeatureCollection', features });
  const parts = splitImport('geojson', text, 2);
  assert.deepEqual(parts.map((p) => [p.offset, p.rows]), [[0, 2], [2, 2], [4, 1]]);
  assert.deepEqual(whereOf(parts, parseCameraGeoJson), whereOf([{ text, offset: 0 }], parseCameraGeoJson));
  assert.deepEqual(splitImport('geojson', '{"type":"Feature"}'), [{ text: '{"type":"Feature"}', offset: 0, rows: 0 }]);
  assert.deepEqual(splitImport('geojson', 'not json'), [{ text: 'not json', offset: 0, rows: 0 }]);
  assert.equal(detectFormat('cams.geojson', ''), 'geojson');
  assert.equal(detectFormat('cams.CSV', '{'), 'csv');
  assert.equal(detectFormat('cams.txt', ' {"type"'), 'geojson');
  assert.equal(detectFormat('cams.txt', 'name,url'), 'csv');
});
