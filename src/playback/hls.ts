// HLS (RFC 8216, version 7, fMP4) over recorded segments, for external players (VLC, ffplay,
// Safari). Each recorded segment file is one HLS media segment: its fragments are served as they
// are on disk except for the decode time, which is rewritten to the wall clock (ms × timescale /
// 1000) so that every segment is stateless to serve and timestamps across segments agree with
// EXT-X-PROGRAM-DATE-TIME. Gaps get EXT-X-DISCONTINUITY; a changed init segment gets a new EXT-X-MAP
// (and a discontinuity, as the RFC requires for a change of encoding parameters).
import type { SegmentRow } from '../store/index.ts';
import type { Fmp4File } from '../media/index.ts';
import { rebaseFragment } from '../media/index.ts';
import { GAP_MS } from './timeline.ts';

export interface HlsSegmentEntry {
  seg: Pick<SegmentRow, 'startMs' | 'endMs'>;
  /** Identifies the init segment's bytes (e.g. its hash); a change emits a new EXT-X-MAP. */
  initKey: string;
}

/**
 * A VOD playlist. URIs are relative to the playlist: `hls/<startMs>.m4s` and `hls/<startMs>/init.mp4`
 * (the init of the first segment having that init). `query` is appended to each URI (e.g. nothing,
 * or a cache-busting token; never a secret).
 */
export function hlsPlaylist(entries: readonly HlsSegmentEntry[], query = '', segments: 'fmp4' | 'ts' = 'fmp4'): string {
  const q = query ? `?${query}` : '';
  const longest = entries.reduce((m, e) => Math.max(m, (e.seg.endMs - e.seg.startMs) / 1000), 1);
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    `#EXT-X-TARGETDURATION:${Math.ceil(longest)}`,
    '#EXT-X-MEDIA-SEQUENCE:0',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-INDEPENDENT-SEGMENTS',
  ];
  let prev: HlsSegmentEntry | null = null;
  for (const e of entries) {
    const initChanged = !prev || prev.initKey !== e.initKey;
    if (prev && (e.seg.startMs - prev.seg.endMs > GAP_MS || initChanged)) lines.push('#EXT-X-DISCONTINUITY');
    // MPEG-TS segments (re-encoded ones, e.g. with privacy masks burned in) carry their own codec setup.
    if (initChanged && segments === 'fmp4') lines.push(`#EXT-X-MAP:URI="hls/${e.seg.startMs}/init.mp4${q}"`);
    lines.push(`#EXT-X-PROGRAM-DATE-TIME:${new Date(e.seg.startMs).toISOString()}`);
    lines.push(`#EXTINF:${((e.seg.endMs - e.seg.startMs) / 1000).toFixed(3)},`);
    lines.push(`hls/${e.seg.startMs}.${segments === 'fmp4' ? 'm4s' : 'ts'}${q}`);
    prev = e;
  }
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

/** The media segment: every complete fragment of the recording, decode times on the wall clock. */
export function hlsMediaSegment(seg: Pick<SegmentRow, 'startMs'>, bytes: Buffer, mp4: Fmp4File): Buffer {
  const first = mp4.fragments[0];
  if (!first) return Buffer.alloc(0);
  const base = Math.round((seg.startMs * mp4.timescale) / 1000);
  return Buffer.concat(mp4.fragments.map((f, i) => rebaseFragment(bytes, f, base + (f.dts - first.dts), i + 1)));
}
