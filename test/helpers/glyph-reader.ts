// Reads MapLibre's glyph protocol buffer back (glyphs.proto), with a reader of its own so the tests do
// not trust Vigil's writer.
export interface Glyph { id: number; bitmap: Uint8Array; width: number; height: number; left: number; top: number; advance: number }

export function decodeGlyphs(buf: Uint8Array): { name: string; range: string; glyphs: Glyph[] } {
  let p = 0;
  const varint = (b: Uint8Array): number => { let v = 0, s = 0, x: number; do { x = b[p++]!; v += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return v; };
  const fields = (b: Uint8Array): [number, number | Uint8Array][] => {
    const out: [number, number | Uint8Array][] = [];
    const saved = p; p = 0;
    while (p < b.length) {
      const key = varint(b);
      if ((key & 7) === 0) out.push([key >> 3, varint(b)]);
      else { const len = varint(b); out.push([key >> 3, b.subarray(p, p + len)]); p += len; }
    }
    p = saved;
    return out;
  };
  const unzig = (n: number) => (n % 2 ? -(n + 1) / 2 : n / 2);
  const stack = fields(buf).find(([f]) => f === 1)![1] as Uint8Array;
  const sf = fields(stack);
  const text = (f: number) => new TextDecoder().decode(sf.find(([k]) => k === f)![1] as Uint8Array);
  const glyphs = sf.filter(([f]) => f === 3).map(([, g]) => {
    const gf = new Map(fields(g as Uint8Array));
    return {
      id: gf.get(1) as number, bitmap: (gf.get(2) as Uint8Array | undefined) ?? new Uint8Array(0), width: gf.get(3) as number, height: gf.get(4) as number,
      left: unzig(gf.get(5) as number), top: unzig(gf.get(6) as number), advance: gf.get(7) as number,
    };
  });
  return { name: text(1), range: text(2), glyphs };
}

