// The one ISO BMFF (MP4) box walker, under the fMP4 reader (playback, export), the recorder's crash
// scan and live analytics' fragment timing. It runs on every fragment a live camera sends to the
// analyser and over whole segment files at recovery, so it allocates nothing but the small box
// record: box types are compared as 32-bit numbers, not as strings. Pure: a Buffer in, offsets out.

export interface Mp4Box {
  /** The four-character code as a big-endian 32-bit number: compare with BOX.moof etc. */
  type: number;
  /** Offset of the box's size field. */
  start: number;
  /** Payload start (after size, type and any 64-bit largesize). */
  body: number;
  end: number;
  /** The header's size was 0: "to the end of the enclosing range", which is where `end` is. */
  toEnd: boolean;
}

/** A four-character code as the number readUInt32BE gives for it. */
export function fourcc(name: string): number {
  return ((name.charCodeAt(0) << 24) | (name.charCodeAt(1) << 16) | (name.charCodeAt(2) << 8) | name.charCodeAt(3)) >>> 0;
}

/** The four characters of a box type code ('avc1', 'hvc1', ...). */
export function fourccName(type: number): string {
  return String.fromCharCode(type >>> 24, (type >>> 16) & 0xff, (type >>> 8) & 0xff, type & 0xff);
}

/** The box types Vigil reads. */
export const BOX = {
  ftyp: fourcc('ftyp'), styp: fourcc('styp'), sidx: fourcc('sidx'), free: fourcc('free'),
  moov: fourcc('moov'), mvhd: fourcc('mvhd'), trak: fourcc('trak'), tkhd: fourcc('tkhd'), mdia: fourcc('mdia'),
  mdhd: fourcc('mdhd'), minf: fourcc('minf'), stbl: fourcc('stbl'), stsd: fourcc('stsd'), mvex: fourcc('mvex'),
  mehd: fourcc('mehd'), trex: fourcc('trex'), avcC: fourcc('avcC'), hvcC: fourcc('hvcC'),
  moof: fourcc('moof'), mfhd: fourcc('mfhd'), traf: fourcc('traf'), tfhd: fourcc('tfhd'), tfdt: fourcc('tfdt'),
  trun: fourcc('trun'), mdat: fourcc('mdat'),
} as const;

/**
 * The header of the box at `at`: its type, its size (0: "to the end") and the header's length
 * (8, or 16 with a 64-bit size); null while the header itself is not all before `limit`. For a
 * stream that arrives in pieces, where "not here yet" and "garbage" must be told apart.
 */
export function readBoxHeader(buf: Buffer, at: number, limit: number): { type: number; size: number; header: number } | null {
  if (at + 8 > limit) return null;
  const size = buf.readUInt32BE(at);
  const type = buf.readUInt32BE(at + 4);
  if (size !== 1) return { type, size, header: 8 };
  if (at + 16 > limit) return null;
  return { type, size: Number(buf.readBigUInt64BE(at + 8)), header: 16 };
}

/**
 * The box whose header starts at `at`, or null when the header or the box does not fit before
 * `limit` (a torn write) or its size is smaller than its header (garbage).
 */
export function readBox(buf: Buffer, at: number, limit: number): Mp4Box | null {
  const h = readBoxHeader(buf, at, limit);
  if (!h) return null;
  const body = at + h.header;
  if (h.size === 0) return { type: h.type, start: at, body, end: limit, toEnd: true };
  if (h.size < h.header || at + h.size > limit) return null;
  return { type: h.type, start: at, body, end: at + h.size, toEnd: false };
}

/** Width and height of the first visual sample entry (avc1, hvc1, ...) of an init segment, or null. */
export function visualSampleSize(init: Buffer): { width: number; height: number } | null {
  const stsd = findBoxPath(init, 0, init.length, [BOX.moov, BOX.trak, BOX.mdia, BOX.minf, BOX.stbl, BOX.stsd]);
  if (!stsd) return null;
  // stsd: version/flags and entry count, then the entries. VisualSampleEntry: 6 reserved, 2 data
  // reference index, 16 pre-defined/reserved bytes, then width and height.
  const entry = readBox(init, stsd.body + 8, stsd.end);
  if (!entry || entry.body + 28 > entry.end) return null;
  return { width: init.readUInt16BE(entry.body + 24), height: init.readUInt16BE(entry.body + 26) };
}

/** The whole boxes from `from` to `to`, stopping at the first that does not fit. */
export function childBoxes(buf: Buffer, from: number, to: number): Mp4Box[] {
  const out: Mp4Box[] = [];
  for (let b = readBox(buf, from, to); b; b = b.end < to ? readBox(buf, b.end, to) : null) out.push(b);
  return out;
}

/** The first box of `type` among the boxes from `from` to `to`, or null. */
export function findBox(buf: Buffer, from: number, to: number, type: number): Mp4Box | null {
  for (let b = readBox(buf, from, to); b; b = b.end < to ? readBox(buf, b.end, to) : null) if (b.type === type) return b;
  return null;
}

/** The first box along `path` (each step the first child of that type), e.g. [BOX.moov, BOX.trak]. */
export function findBoxPath(buf: Buffer, from: number, to: number, path: readonly number[]): Mp4Box | null {
  let box: Mp4Box | null = null;
  for (const type of path) {
    box = findBox(buf, from, to, type);
    if (!box) return null;
    from = box.body;
    to = box.end;
  }
  return box;
}
