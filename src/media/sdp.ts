// Session Description Protocol (RFC 4566) as RTSP uses it, and the payload format parameters of
// RFC 6184 (H.264) and RFC 7798 (H.265). Pure parsing and building; no I/O.

export interface SdpMedia {
  type: string; // 'video', 'audio', 'application', ...
  port: number;
  protocol: string;
  payloadTypes: number[];
  /** a=control, as written (relative or absolute). */
  control?: string;
  /** payload type -> { encoding, clockRate } from a=rtpmap. */
  rtpmap: Map<number, { encoding: string; clockRate: number }>;
  /** payload type -> parameters from a=fmtp. */
  fmtp: Map<number, Record<string, string>>;
}

export interface SessionDescription {
  sessionControl?: string;
  media: SdpMedia[];
}

export interface H264SdpTrack {
  payloadType: number;
  clockRate: number;
  control?: string;
  sps?: Buffer;
  pps?: Buffer;
  profileLevelId?: string;
  packetizationMode: number;
}

export interface H265SdpTrack {
  payloadType: number;
  clockRate: number;
  control?: string;
  /** First of each from sprop-vps/sprop-sps/sprop-pps, when the camera gives them. */
  vps?: Buffer;
  sps?: Buffer;
  pps?: Buffer;
  /** sprop-max-don-diff: non-zero means DONL fields in every payload, which Vigil does not take. */
  maxDonDiff: number;
}

export type VideoSdpTrack = ({ codec: 'h264' } & H264SdpTrack) | ({ codec: 'h265' } & H265SdpTrack);

export function parseSdp(text: string): SessionDescription {
  const desc: SessionDescription = { media: [] };
  let cur: SdpMedia | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.length < 2 || line[1] !== '=') continue;
    const type = line[0];
    const value = line.slice(2);
    if (type === 'm') {
      const [mtype, port, protocol, ...fmts] = value.split(/\s+/);
      cur = {
        type: mtype ?? '',
        port: Number(port) || 0,
        protocol: protocol ?? '',
        payloadTypes: fmts.map(Number).filter((n) => Number.isInteger(n)),
        rtpmap: new Map(),
        fmtp: new Map(),
      };
      desc.media.push(cur);
    } else if (type === 'a') {
      const colon = value.indexOf(':');
      const name = colon < 0 ? value : value.slice(0, colon);
      const arg = colon < 0 ? '' : value.slice(colon + 1).trim();
      if (name === 'control') {
        if (cur) cur.control = arg;
        else desc.sessionControl = arg;
      } else if (cur && name === 'rtpmap') {
        const m = /^(\d+)\s+([^/\s]+)\/(\d+)/.exec(arg);
        if (m) cur.rtpmap.set(Number(m[1]), { encoding: m[2], clockRate: Number(m[3]) });
      } else if (cur && name === 'fmtp') {
        const m = /^(\d+)\s+(.*)$/.exec(arg);
        if (m) cur.fmtp.set(Number(m[1]), parseFmtpParams(m[2]));
      }
    }
  }
  return desc;
}

function parseFmtpParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    out[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** The first video payload of the given encoding: its media section, payload type, clock and fmtp. */
function firstVideoPayload(desc: SessionDescription, encoding: string) {
  for (const m of desc.media) {
    if (m.type !== 'video') continue;
    for (const pt of m.payloadTypes) {
      const map = m.rtpmap.get(pt);
      if (map && map.encoding.toUpperCase() === encoding) return { m, pt, clockRate: map.clockRate, fmtp: m.fmtp.get(pt) ?? {} };
    }
  }
  return undefined;
}

/** The first H.264 video track, with SPS/PPS from sprop-parameter-sets when the camera gives them. */
export function findH264Track(desc: SessionDescription): H264SdpTrack | undefined {
  const found = firstVideoPayload(desc, 'H264');
  if (!found) return undefined;
  const { m, pt, clockRate, fmtp } = found;
  const track: H264SdpTrack = {
    payloadType: pt,
    clockRate,
    control: m.control,
    profileLevelId: fmtp['profile-level-id'],
    packetizationMode: Number(fmtp['packetization-mode'] ?? 0) || 0,
  };
  for (const nal of parseSpropParameterSets(fmtp['sprop-parameter-sets'] ?? '')) {
    const t = nal[0] & 0x1f;
    if (t === 7 && !track.sps) track.sps = nal;
    else if (t === 8 && !track.pps) track.pps = nal;
  }
  return track;
}

/** The first H.265 video track (RFC 7798 §7.1: encoding name H265, parameter sets in sprop-vps/sps/pps). */
export function findH265Track(desc: SessionDescription): H265SdpTrack | undefined {
  const found = firstVideoPayload(desc, 'H265');
  if (!found) return undefined;
  const { m, pt, clockRate, fmtp } = found;
  const first = (key: string): Buffer | undefined => parseSpropParameterSets(fmtp[key] ?? '')[0];
  return {
    payloadType: pt,
    clockRate,
    control: m.control,
    vps: first('sprop-vps'),
    sps: first('sprop-sps'),
    pps: first('sprop-pps'),
    maxDonDiff: Number(fmtp['sprop-max-don-diff'] ?? 0) || 0,
  };
}

/** The first video track Vigil can record, in the order the SDP lists them. */
export function findVideoTrack(desc: SessionDescription): VideoSdpTrack | undefined {
  for (const m of desc.media) {
    if (m.type !== 'video') continue;
    for (const pt of m.payloadTypes) {
      const enc = m.rtpmap.get(pt)?.encoding.toUpperCase();
      if (enc === 'H264') {
        const t = findH264Track({ media: [{ ...m, payloadTypes: [pt] }] });
        if (t) return { codec: 'h264', ...t };
      } else if (enc === 'H265') {
        const t = findH265Track({ media: [{ ...m, payloadTypes: [pt] }] });
        if (t && t.maxDonDiff === 0) return { codec: 'h265', ...t };
      }
    }
  }
  return undefined;
}

export function hasAudio(desc: SessionDescription): boolean {
  return desc.media.some((m) => m.type === 'audio');
}

export function parseSpropParameterSets(value: string): Buffer[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => /^[A-Za-z0-9+/=]+$/.test(s))
    .map((s) => Buffer.from(s, 'base64'))
    .filter((b) => b.length > 0);
}

/**
 * Resolve a track's a=control against the base URL (Content-Base, else the DESCRIBE URL), the way
 * ffmpeg and live555 do: absolute controls win, '*' means the base itself, anything else is appended
 * after a '/' (not RFC 3986 resolution, which would drop the last path segment of a base without a
 * trailing slash, and cameras rely on the append behaviour).
 */
export function resolveControlUrl(base: string, control: string | undefined): string {
  if (!control || control === '*') return base;
  if (/^rtsps?:\/\//i.test(control)) return control;
  const b = base;
  return b.endsWith('/') ? b + control.replace(/^\//, '') : `${b}/${control.replace(/^\//, '')}`;
}

/** profile-level-id: the three bytes after the NAL header of the SPS, as hex. */
export function profileLevelIdOf(sps: Buffer): string {
  return sps.subarray(1, 4).toString('hex');
}

export interface H264SdpParams {
  sps: Buffer;
  pps: Buffer;
  payloadType?: number;
  control?: string;
  sessionName?: string;
  /** Address for the o= line; only informative. */
  address?: string;
}

export interface H265SdpParams {
  vps: Buffer;
  sps: Buffer;
  pps: Buffer;
  payloadType?: number;
  control?: string;
  sessionName?: string;
  address?: string;
}

export function buildH265Sdp(p: H265SdpParams): string {
  const pt = p.payloadType ?? 96;
  const addr = p.address ?? '127.0.0.1';
  return [
    'v=0',
    `o=- 0 0 IN IP4 ${addr}`,
    `s=${p.sessionName ?? 'Vigil'}`,
    'c=IN IP4 0.0.0.0',
    't=0 0',
    'a=control:*',
    'a=range:npt=0-',
    `m=video 0 RTP/AVP ${pt}`,
    `a=rtpmap:${pt} H265/90000`,
    `a=fmtp:${pt} sprop-vps=${p.vps.toString('base64')};sprop-sps=${p.sps.toString('base64')};sprop-pps=${p.pps.toString('base64')}`,
    `a=control:${p.control ?? 'trackID=0'}`,
    '',
  ].join('\r\n');
}

export function buildH264Sdp(p: H264SdpParams): string {
  const pt = p.payloadType ?? 96;
  const sprop = `${p.sps.toString('base64')},${p.pps.toString('base64')}`;
  const addr = p.address ?? '127.0.0.1';
  return [
    'v=0',
    `o=- 0 0 IN IP4 ${addr}`,
    `s=${p.sessionName ?? 'Vigil'}`,
    'c=IN IP4 0.0.0.0',
    't=0 0',
    'a=control:*',
    'a=range:npt=0-',
    `m=video 0 RTP/AVP ${pt}`,
    `a=rtpmap:${pt} H264/90000`,
    `a=fmtp:${pt} packetization-mode=1;profile-level-id=${profileLevelIdOf(p.sps)};sprop-parameter-sets=${sprop}`,
    `a=control:${p.control ?? 'trackID=0'}`,
    '',
  ].join('\r\n');
}
