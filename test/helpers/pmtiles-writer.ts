// A minimal PMTiles v3 writer for tests: uncompressed directories, one tile per entry, tiles in
// tile-id order. Enough to build a valid archive byte by byte (and to break one on purpose).
function varint(n: number, out: number[]): void {
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
}

/** z/x/y → PMTiles tile id (Hilbert order); only z 0–2 needed here. */
export function tileId(z: number, x: number, y: number): number {
  let acc = 0;
  for (let t = 0; t < z; t++) acc += (1 << t) * (1 << t);
  const n = 1 << z;
  let d = 0;
  let rx: number, ry: number;
  for (let s = n / 2; s >= 1; s /= 2) {
    rx = (x & s) > 0 ? 1 : 0;
    ry = (y & s) > 0 ? 1 : 0;
    d += s * s * ((3 * rx) ^ ry);
    if (ry === 0) {
      if (rx === 1) { x = s - 1 - x; y = s - 1 - y; }
      [x, y] = [y, x];
    }
  }
  return acc + d;
}

export function writePmtiles(tiles: { z: number; x: number; y: number; data: Uint8Array }[], metadata: object, tileType = 1): Uint8Array {
  const sorted = tiles.map((t) => ({ id: tileId(t.z, t.x, t.y), data: t.data })).sort((a, b) => a.id - b.id);
  const dir: number[] = [];
  varint(sorted.length, dir);
  let last = 0;
  for (const t of sorted) { varint(t.id - last, dir); last = t.id; }
  for (let i = 0; i < sorted.length; i++) varint(1, dir);
  for (const t of sorted) varint(t.data.length, dir);
  let offset = 0;
  for (const t of sorted) { varint(offset + 1, dir); offset += t.data.length; }
  const meta = new TextEncoder().encode(JSON.stringify(metadata));
  const tileBytes = offset;
  const rootOff = 127;
  const metaOff = rootOff + dir.length;
  const dataOff = metaOff + meta.length;
  const out = new Uint8Array(dataOff + tileBytes);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('PMTiles'), 0);
  out[7] = 3;
  const u64 = (at: number, v: number) => view.setBigUint64(at, BigInt(v), true);
  u64(8, rootOff); u64(16, dir.length); u64(24, metaOff); u64(32, meta.length); u64(40, 0); u64(48, 0);
  u64(56, dataOff); u64(64, tileBytes); u64(72, sorted.length); u64(80, sorted.length); u64(88, sorted.length);
  out[96] = 1; out[97] = 1; out[98] = 1; out[99] = tileType;
  const zs = tiles.map((t) => t.z);
  out[100] = Math.min(...zs); out[101] = Math.max(...zs);
  view.setInt32(102, -1800000000, true); view.setInt32(106, -850000000, true); view.setInt32(110, 1800000000, true); view.setInt32(114, 850000000, true);
  out[118] = 0; view.setInt32(119, 0, true); view.setInt32(123, 0, true);
  out.set(dir, rootOff);
  out.set(meta, metaOff);
  let at = dataOff;
  for (const t of sorted) { out.set(t.data, at); at += t.data.length; }
  return out;
}
