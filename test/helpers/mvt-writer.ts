// A minimal Mapbox Vector Tile writer for tests: one layer of points and lines with string
// properties, at extent 4096. Enough to give the map a named street and a named place to label.
type Bytes = number[];

function varint(n: number, out: Bytes): void {
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
}
const zig = (n: number) => (n << 1) ^ (n >> 31);
function field(num: number, data: Bytes, out: Bytes): void {
  varint((num << 3) | 2, out);
  varint(data.length, out);
  out.push(...data);
}
function packed(num: number, values: number[], out: Bytes): void {
  const body: Bytes = [];
  for (const v of values) varint(v, body);
  field(num, body, out);
}
const utf8 = (s: string) => [...new TextEncoder().encode(s)];

export interface MvtFeature {
  type: 'point' | 'line';
  /** Tile coordinates, 0–4096. */
  coords: [number, number][];
  properties: Record<string, string>;
}

export function writeMvt(layerName: string, features: MvtFeature[]): Uint8Array {
  const keys: string[] = [];
  const values: string[] = [];
  const layer: Bytes = [];
  varint((15 << 3) | 0, layer); varint(2, layer); // version 2
  field(1, utf8(layerName), layer);
  for (const f of features) {
    const tags: number[] = [];
    for (const [k, v] of Object.entries(f.properties)) {
      if (!keys.includes(k)) keys.push(k);
      if (!values.includes(v)) values.push(v);
      tags.push(keys.indexOf(k), values.indexOf(v));
    }
    const geom: number[] = [];
    let cx = 0, cy = 0;
    f.coords.forEach(([x, y], i) => {
      if (i === 0) geom.push((1 & 7) | (1 << 3));
      else if (i === 1) geom.push((2 & 7) | ((f.coords.length - 1) << 3));
      geom.push(zig(x - cx), zig(y - cy));
      cx = x; cy = y;
    });
    const feat: Bytes = [];
    packed(2, tags, feat);
    varint((3 << 3) | 0, feat); varint(f.type === 'point' ? 1 : 2, feat);
    packed(4, geom, feat);
    field(2, feat, layer);
  }
  for (const k of keys) field(3, utf8(k), layer);
  for (const v of values) { const val: Bytes = []; field(1, utf8(v), val); field(4, val, layer); }
  varint((5 << 3) | 0, layer); varint(4096, layer);
  const tile: Bytes = [];
  field(3, layer, tile);
  return Uint8Array.from(tile);
}

/** The z/x/y tile holding a point, and the point's position inside it (0–4096). */
export function tileOf(lon: number, lat: number, z: number): { x: number; y: number; at: (lon: number, lat: number) => [number, number] } {
  const n = 2 ** z;
  const fx = (lo: number) => ((lo + 180) / 360) * n;
  const fy = (la: number) => { const r = (la * Math.PI) / 180; return ((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * n; };
  const x = Math.floor(fx(lon)), y = Math.floor(fy(lat));
  return { x, y, at: (lo, la) => [Math.round((fx(lo) - x) * 4096), Math.round((fy(la) - y) * 4096)] };
}
