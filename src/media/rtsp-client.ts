// In-process RTSP client (RFC 2326) for one H.264 or H.265 video track: OPTIONS, DESCRIBE, SETUP, PLAY over
// TCP-interleaved or UDP RTP, Basic/Digest auth, keep-alives, a no-data watchdog, TEARDOWN on close.
// connect() rejects with an RtspError; once playing, failures arrive as one 'error' event followed
// by 'close'. No ffmpeg: the bytes from the camera reach the recorder untouched.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import dgram from 'node:dgram';
import type { AccessUnit, VideoCodec } from './types.ts';
import { RtspError, type RtspErrorCode } from './rtsp-errors.ts';
import { RtspWireParser, header, serializeRequest, serializeResponse, type RtspResponse, type RtspWireItem } from './rtsp-message.ts';
import { ClientAuthenticator, parseChallenges } from './rtsp-auth.ts';
import { findVideoTrack, hasAudio, parseSdp, resolveControlUrl } from './sdp.ts';
import { H26xDepacketizer, RtpReorderBuffer, parseRtpHeaderAt, parseRtpPacket, type DepacketizerStats, type RtpHeaderView } from './rtp-depacketizer.ts';
import { DecodeTimeline } from './decode-timeline.ts';
import { nalPieces, withParameterSets } from './access-unit.ts';
import { LoopLag, processLoopLag } from './loop-lag.ts';
import { ReadRing } from './read-slab.ts';
import { parseSps } from './h264.ts';
import { parseH265Sps } from './h265.ts';
import { splitRtspUrl } from './rtsp-url.ts';

export type RtspTransport = 'tcp' | 'udp';

export interface RtspClientOptions {
  /** rtsp://host[:port]/path; user:pass@ in it is used as credentials and stripped. */
  url: string;
  username?: string;
  password?: string;
  transport?: RtspTransport;
  /** Local address for the UDP RTP/RTCP sockets (default 0.0.0.0). */
  udpBindAddress?: string;
  connectTimeoutMs?: number;
  requestTimeoutMs?: number;
  /**
   * No RTP for this long while playing -> STREAM_STALLED. Time during which this process's event
   * loop was late does not count (loop-lag.ts): a camera is not stalled because we were busy.
   */
  stallTimeoutMs?: number;
  /** Where loop lateness is read; default the process-wide one, null to count wall time only. */
  loopLag?: LoopLag | null;
  userAgent?: string;
  /** Emit nothing until an IDR, at start and after loss (default true). */
  requireKeyframe?: boolean;
  /**
   * The consumer is done with each access unit (and its NAL buffers) within a few pictures and
   * keeps no reference to them: their memory is then reused (a ring, no fresh pages to fault in).
   * The recorder is such a consumer; default false (units stay valid for as long as they are held).
   */
  transientUnits?: boolean;
}

export interface RtspVideoTrack {
  codec: VideoCodec;
  payloadType: number;
  clockRate: number;
  controlUrl: string;
  /** From the SDP (sprop-parameter-sets, sprop-vps/sps/pps), later updated from in-band ones. */
  sps?: Buffer;
  pps?: Buffer;
  /** H.265 only. */
  vps?: Buffer;
  profileLevelId?: string;
  /** The camera also offers audio (Vigil does not set it up). */
  hasAudio: boolean;
  transport: RtspTransport;
}

export interface RtspClientEvents {
  sdp: [sdp: string];
  track: [track: RtspVideoTrack];
  /** In-band parameter sets that differ from what the track said (or the track had none); vps for H.265. */
  parameterSets: [sps: Buffer, pps: Buffer, vps?: Buffer];
  accessUnit: [au: AccessUnit];
  error: [err: RtspError];
  close: [];
}

export interface RtspClientStats extends DepacketizerStats {
  bytes: number;
  badRtp: number;
}

type State = 'idle' | 'connecting' | 'playing' | 'closed';

interface Pending {
  method: string;
  cseq: number;
  resolve: (r: RtspResponse) => void;
  reject: (e: RtspError) => void;
  timer: NodeJS.Timeout;
}

export class RtspClient extends EventEmitter<RtspClientEvents> {
  /** The URL without credentials: safe to log. */
  readonly url: string;
  readonly stats: RtspClientStats;
  track?: RtspVideoTrack;
  readonly #opts: RtspClientOptions;
  readonly #host: string;
  readonly #port: number;
  readonly #creds?: { username: string; password: string };
  #state: State = 'idle';
  #socket?: net.Socket;
  #parser = new RtspWireParser();
  #cseq = 0;
  #pending: Pending[] = [];
  #auth?: ClientAuthenticator;
  #session?: string;
  #sessionTimeoutSec = 60;
  #keepAliveMethod = 'OPTIONS';
  #depack: H26xDepacketizer;
  /** RTP carries presentation times; decode times are derived (they differ with B-frames). */
  #timeline = new DecodeTimeline();
  #reorder?: RtpReorderBuffer;
  #rtpChannel = 0;
  /** Reused for every TCP packet's header. */
  readonly #rtpHeader: RtpHeaderView = { marker: false, payloadType: 0, sequence: 0, timestamp: 0, ssrc: 0, payloadStart: 0, payloadEnd: 0 };
  #udp?: { rtp: dgram.Socket; rtcp: dgram.Socket };
  /** When the watchdog last saw RTP (wall ms), and the loop's accumulated lateness then. */
  #lastDataAt = 0;
  #lagAtData = 0;
  /** RTP arrived in the socket read being handled (the clocks are read once per read, not per packet). */
  #gotData = false;
  readonly #loopLag: LoopLag | null;
  #keepAliveTimer?: NodeJS.Timeout;
  #watchdog?: NodeJS.Timeout;
  #fatal?: RtspError;
  #sessionBase = '';

  constructor(opts: RtspClientOptions) {
    super();
    const parts = splitRtspUrl(opts.url);
    this.#opts = opts;
    this.url = parts.url;
    this.#host = parts.host;
    this.#port = parts.port;
    const username = opts.username ?? parts.username;
    if (username !== undefined) this.#creds = { username, password: opts.password ?? parts.password ?? '' };
    // One copy of each NAL unit into a slab beats keeping the packets' pieces alive until they are
    // on disk (nal-assembler.ts); the socket's reads are then free as soon as they are parsed.
    this.#depack = new H26xDepacketizer({ requireKeyframe: opts.requireKeyframe ?? true, assemble: opts.transientUnits ? 'ring' : 'copy' });
    this.#loopLag = opts.loopLag === undefined ? processLoopLag : opts.loopLag;
    this.stats = Object.assign(this.#depack.stats, { bytes: 0, badRtp: 0 });
  }

  get state(): State {
    return this.#state;
  }

  async connect(): Promise<RtspVideoTrack> {
    if (this.#state !== 'idle') throw new RtspError('RTSP_PROTOCOL', 'connect() called twice');
    this.#state = 'connecting';
    try {
      await this.#openSocket();
      const options = await this.#request('OPTIONS', this.url);
      const pub = header(options.headers, 'public') ?? '';
      if (/\bGET_PARAMETER\b/.test(pub)) this.#keepAliveMethod = 'GET_PARAMETER';

      const describe = await this.#request('DESCRIBE', this.url, { Accept: 'application/sdp' });
      const sdpText = describe.body.toString('utf8');
      this.emit('sdp', sdpText);
      const desc = parseSdp(sdpText);
      const video = findVideoTrack(desc);
      const audio = hasAudio(desc);
      if (!video) {
        throw new RtspError('NO_VIDEO_TRACK', 'the camera offers no H.264 or H.265 video track', {
          media: desc.media.map((m) => `${m.type}:${[...m.rtpmap.values()].map((r) => r.encoding).join('/')}`),
          hasAudio: audio,
        });
      }
      const base = stripCredentials(header(describe.headers, 'content-base') ?? header(describe.headers, 'content-location') ?? this.url);
      const sessionBase = desc.sessionControl && /^rtsps?:\/\//i.test(desc.sessionControl) ? desc.sessionControl : base;
      this.#sessionBase = sessionBase;
      const transport = this.#opts.transport ?? 'tcp';
      const track: RtspVideoTrack = {
        codec: video.codec,
        payloadType: video.payloadType,
        clockRate: video.clockRate,
        controlUrl: resolveControlUrl(base, video.control),
        sps: video.sps,
        pps: video.pps,
        hasAudio: audio,
        transport,
      };
      if (video.codec === 'h264') track.profileLevelId = video.profileLevelId;
      else track.vps = video.vps;
      this.track = track;
      this.#depack.codec = video.codec;
      this.#timeline = new DecodeTimeline(reorderDepth(video.codec, video.sps));

      let transportHeader: string;
      if (transport === 'udp') {
        const port = await this.#bindUdp();
        transportHeader = `RTP/AVP;unicast;client_port=${port}-${port + 1}`;
        this.#reorder = new RtpReorderBuffer();
      } else {
        transportHeader = 'RTP/AVP/TCP;unicast;interleaved=0-1';
      }
      const setup = await this.#request('SETUP', track.controlUrl, { Transport: transportHeader });
      const sessionHeader = header(setup.headers, 'session');
      if (sessionHeader) {
        const [id, ...params] = sessionHeader.split(';');
        this.#session = id.trim();
        for (const p of params) {
          const m = /^\s*timeout\s*=\s*(\d+)/i.exec(p);
          if (m && Number(m[1]) > 0) this.#sessionTimeoutSec = Number(m[1]);
        }
      }
      const tr = header(setup.headers, 'transport') ?? '';
      if (transport === 'tcp') {
        const m = /interleaved=(\d+)/i.exec(tr);
        if (m) this.#rtpChannel = Number(m[1]);
      } else if (/RTP\/AVP\/TCP/i.test(tr)) {
        throw new RtspError('RTSP_PROTOCOL', 'camera answered UDP SETUP with a TCP transport');
      }
      this.emit('track', track);

      this.#markData();
      await this.#request('PLAY', sessionBase, { Range: 'npt=0.000-' });
      if (this.#fatal) throw this.#fatal;
      this.#state = 'playing';
      this.#startTimers();
      return track;
    } catch (err) {
      const e = err instanceof RtspError ? err : new RtspError('RTSP_PROTOCOL', String((err as Error)?.message ?? err));
      this.#teardownResources();
      throw e;
    }
  }

  /** TEARDOWN (waiting briefly for the answer), then release everything. Safe to call twice. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const wasPlaying = this.#state === 'playing';
    this.#stopTimers();
    if (wasPlaying && this.#session && this.#socket && !this.#socket.destroyed) {
      this.#state = 'connecting'; // while TEARDOWN is in flight; socket close is then not an error
      try {
        await this.#send('TEARDOWN', this.#sessionBase, {}, 1000);
      } catch {
        // The camera may already be gone; closing is what matters.
      }
    }
    this.#teardownResources();
  }

  #teardownResources(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closed';
    this.#stopTimers();
    const err = this.#fatal ?? new RtspError('STREAM_ENDED', 'client closed');
    for (const p of this.#pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.#socket?.destroy();
    if (this.#udp) {
      closeQuietly(this.#udp.rtp);
      closeQuietly(this.#udp.rtcp);
    }
    queueMicrotask(() => this.emit('close'));
  }

  /** Terminal failure: reject what waits, or tell the listener when already playing. */
  #fail(code: RtspErrorCode, message: string, details?: Record<string, unknown>): void {
    if (this.#state === 'closed' || this.#fatal) return;
    const err = new RtspError(code, message, details);
    this.#fatal = err;
    if (this.#state === 'playing') {
      this.#teardownResources();
      this.emit('error', err);
    } else {
      for (const p of this.#pending.splice(0)) {
        clearTimeout(p.timer);
        p.reject(err);
      }
      this.#socket?.destroy();
    }
  }

  #openSocket(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timeoutMs = this.#opts.connectTimeoutMs ?? 5000;
      // Reads land in a ring per socket (read-slab.ts) instead of a new allocation and copy each;
      // nothing here keeps a view of a read: NAL units are copied out, the parser detaches its tail.
      const reads = new ReadRing();
      const sock = net.connect({
        host: this.#host,
        port: this.#port,
        onread: {
          buffer: () => reads.next(() => this.#parser.detach()),
          callback: (n: number, room: Uint8Array) => {
            this.#onData(reads.take(room as Buffer, n));
            return true; // false would pause the socket
          },
        },
      });
      this.#socket = sock;
      sock.setNoDelay(true);
      let connected = false;
      const timer = setTimeout(() => {
        sock.destroy();
        reject(new RtspError('CAMERA_UNREACHABLE', `no TCP connection to ${this.#host}:${this.#port} within ${timeoutMs} ms`));
      }, timeoutMs);
      sock.once('connect', () => {
        connected = true;
        clearTimeout(timer);
        resolve();
      });
      sock.on('error', (e: NodeJS.ErrnoException) => {
        if (!connected) {
          clearTimeout(timer);
          // Every failure to open the connection means the same to an operator: the camera is not there.
          reject(new RtspError('CAMERA_UNREACHABLE', `cannot connect to ${this.#host}:${this.#port}: ${e.code ?? e.message}`, { cause: e.code }));
          return;
        }
        if (this.#state === 'playing') this.#fail('STREAM_ENDED', `connection lost: ${e.code ?? e.message}`);
        else this.#fail('RTSP_PROTOCOL', `connection lost during setup: ${e.code ?? e.message}`);
      });
      sock.on('close', () => {
        if (!connected) return;
        if (this.#state === 'playing') this.#fail('STREAM_ENDED', 'the camera closed the connection');
        else if (this.#state === 'connecting') this.#fail('RTSP_PROTOCOL', 'the camera closed the connection during setup');
      });
      // (With onread, reads come to the callback above, not as 'data' events.)
    });
  }

  #onData(chunk: Buffer): void {
    this.stats.bytes += chunk.length;
    // When the read arrived, before handling it takes its own time.
    const at = Date.now();
    const lagAt = this.#loopLag?.total() ?? 0;
    let items: RtspWireItem[];
    try {
      // RTP frames go to #onFrame as they are parsed; RTSP messages come back as items.
      items = this.#parser.feed(chunk, this.#onFrame);
    } catch (e) {
      this.#fail('RTSP_PROTOCOL', `unparseable data from camera: ${(e as Error).message}`);
      return;
    }
    for (const item of items) {
      if (this.#state === 'closed') break;
      if (item.kind === 'interleaved') {
        // (never: frames went to #onFrame)
      } else if (item.kind === 'response') {
        this.#onResponse(item);
      } else {
        // Requests from the camera (rare: ANNOUNCE, GET_PARAMETER): acknowledge what we understand.
        const cseq = header(item.headers, 'cseq') ?? '0';
        const ok = item.method === 'OPTIONS' || item.method === 'GET_PARAMETER';
        this.#socket?.write(serializeResponse(ok ? 200 : 501, ok ? 'OK' : 'Not Implemented', { CSeq: cseq }));
      }
    }
    if (this.#gotData) this.#markData(at, lagAt);
  }

  #onResponse(res: RtspResponse): void {
    const cseq = Number(header(res.headers, 'cseq'));
    let idx = this.#pending.findIndex((p) => Number.isFinite(cseq) && p.cseq === cseq);
    if (idx < 0) idx = 0; // cameras that omit or garble CSeq answer in order
    const p = this.#pending[idx];
    if (!p) return;
    this.#pending.splice(idx, 1);
    clearTimeout(p.timer);
    p.resolve(res);
  }

  /** A UDP datagram (or any RTP packet as its own Buffer). */
  #onRtp(buf: Buffer): void {
    const pkt = parseRtpPacket(buf);
    if (!pkt || !this.track || pkt.payloadType !== this.track.payloadType) {
      this.stats.badRtp++;
      return;
    }
    this.#gotData = true;
    const ordered = this.#reorder ? this.#reorder.push(pkt) : [pkt];
    for (const p of ordered) {
      if (!this.#emitUnits(this.#depack.push(p))) return;
    }
  }

  /** An interleaved TCP frame buf[start, end), read in place: no object per packet. */
  #onFrame = (channel: number, buf: Buffer, start: number, end: number): void => {
    if (channel !== this.#rtpChannel || this.#state === 'closed') return;
    const h = this.#rtpHeader;
    if (!this.track || !parseRtpHeaderAt(buf, start, end, h) || h.payloadType !== this.track.payloadType) {
      this.stats.badRtp++;
      return;
    }
    this.#gotData = true;
    this.#emitUnits(this.#depack.pushAt(h.sequence, h.timestamp, h.marker, h.ssrc, buf, h.payloadStart, h.payloadEnd));
  };

  /** false once the client closed (a listener may close it). */
  #emitUnits(units: AccessUnit[]): boolean {
    for (let au of units) {
      if (au.keyframe) au = this.track!.codec === 'h265' ? this.#h265ParameterSets(au) : (this.#checkParameterSets(au), au);
      au.dts = this.#timeline.next(au.pts);
      this.emit('accessUnit', au);
      if (this.#state === 'closed') return false;
    }
    return true;
  }


  #checkParameterSets(au: AccessUnit): void {
    const track = this.track!;
    let sps: Buffer | undefined;
    let pps: Buffer | undefined;
    // By pieces: reading au.nalus would join the picture's fragments only to look at headers.
    for (const n of nalPieces(au)) {
      const t = n[0][0] & 0x1f;
      if (t === 7) sps = joinPieces(n);
      else if (t === 8) pps = joinPieces(n);
    }
    if (!sps || !pps) return;
    if (track.sps?.equals(sps) && track.pps?.equals(pps)) return;
    track.sps = Buffer.from(sps);
    track.pps = Buffer.from(pps);
    const depth = reorderDepth('h264', track.sps);
    if (depth !== null) this.#timeline.setReorderDepth(depth);
    this.emit('parameterSets', track.sps, track.pps);
  }

  /**
   * H.265 keyframes leave the client with VPS, SPS and PPS in front: many cameras send them only
   * in the SDP, and the muxer learns them from the stream. In-band ones that differ update the track.
   */
  #h265ParameterSets(au: AccessUnit): AccessUnit {
    const track = this.track!;
    let vps: Buffer | undefined;
    let sps: Buffer | undefined;
    let pps: Buffer | undefined;
    for (const n of nalPieces(au)) {
      const t = (n[0][0] >> 1) & 0x3f;
      if (t === 32) vps ??= joinPieces(n);
      else if (t === 33) sps ??= joinPieces(n);
      else if (t === 34) pps ??= joinPieces(n);
    }
    if (vps && sps && pps) {
      if (!(track.vps?.equals(vps) && track.sps?.equals(sps) && track.pps?.equals(pps))) {
        track.vps = Buffer.from(vps);
        track.sps = Buffer.from(sps);
        track.pps = Buffer.from(pps);
        const depth = reorderDepth('h265', track.sps);
        if (depth !== null) this.#timeline.setReorderDepth(depth);
        this.emit('parameterSets', track.sps, track.pps, track.vps);
      }
      return au;
    }
    return withParameterSets(au, 'h265', track);
  }

  async #request(method: string, url: string, headers: Record<string, string> = {}): Promise<RtspResponse> {
    let res = await this.#send(method, url, headers);
    if (res.status === 401) {
      if (!this.#creds) throw new RtspError('AUTH_FAILED', `${method}: the camera requires credentials and none were given`);
      const challenges = parseChallenges(res.headers.get('www-authenticate') ?? []);
      const auth = ClientAuthenticator.from(challenges, this.#creds);
      if (!auth) throw new RtspError('AUTH_FAILED', `${method}: no supported authentication scheme offered`);
      this.#auth = auth;
      res = await this.#send(method, url, headers);
      if (res.status === 401) throw new RtspError('AUTH_FAILED', `${method}: credentials rejected`, { scheme: auth.scheme });
    }
    if (res.status < 200 || res.status >= 300) {
      throw new RtspError('RTSP_PROTOCOL', `${method} answered ${res.status} ${res.reason}`.trim(), { status: res.status, method });
    }
    return res;
  }

  #send(method: string, url: string, extra: Record<string, string>, timeoutMs?: number): Promise<RtspResponse> {
    return new Promise((resolve, reject) => {
      if (this.#fatal) return reject(this.#fatal);
      const sock = this.#socket;
      if (!sock || sock.destroyed) return reject(new RtspError('STREAM_ENDED', 'connection is closed'));
      const cseq = ++this.#cseq;
      const headers: Record<string, string | number> = { CSeq: cseq, 'User-Agent': this.#opts.userAgent ?? 'Vigil' };
      if (this.#session && method !== 'OPTIONS' && method !== 'DESCRIBE') headers.Session = this.#session;
      if (this.#auth) headers.Authorization = this.#auth.authorization(method, url);
      Object.assign(headers, extra);
      const ms = timeoutMs ?? this.#opts.requestTimeoutMs ?? 5000;
      const timer = setTimeout(() => {
        const i = this.#pending.indexOf(entry);
        if (i >= 0) this.#pending.splice(i, 1);
        reject(new RtspError('CAMERA_UNREACHABLE', `no answer to ${method} within ${ms} ms`));
      }, ms);
      const entry: Pending = { method, cseq, resolve, reject, timer };
      this.#pending.push(entry);
      sock.write(serializeRequest(method, url, headers));
    });
  }

  async #bindUdp(): Promise<number> {
    const address = this.#opts.udpBindAddress ?? '0.0.0.0';
    const type = net.isIPv6(this.#host) ? 'udp6' : 'udp4';
    for (let attempt = 0; attempt < 20; attempt++) {
      // RTP wants an even port and RTCP the next one.
      const port = 20000 + 2 * Math.floor(Math.random() * 20000);
      const rtp = dgram.createSocket(type);
      const rtcp = dgram.createSocket(type);
      try {
        await bindSocket(rtp, port, address);
        await bindSocket(rtcp, port + 1, address);
      } catch {
        closeQuietly(rtp);
        closeQuietly(rtcp);
        continue;
      }
      rtp.on('message', (msg) => {
        this.stats.bytes += msg.length;
        const at = Date.now();
        const lagAt = this.#loopLag?.total() ?? 0;
        if (this.#state !== 'closed') this.#onRtp(msg);
        if (this.#gotData) this.#markData(at, lagAt);
      });
      rtp.on('error', () => {});
      rtcp.on('message', () => {});
      rtcp.on('error', () => {});
      this.#udp = { rtp, rtcp };
      return port;
    }
    throw new RtspError('RTSP_PROTOCOL', 'could not bind a pair of UDP ports');
  }

  #startTimers(): void {
    const keepAliveMs = Math.max(1000, (this.#sessionTimeoutSec * 1000) / 2);
    this.#keepAliveTimer = setInterval(() => {
      this.#send(this.#keepAliveMethod, this.url, {}).catch(() => {
        // A missed keep-alive is not fatal by itself: the watchdog judges the stream.
      });
    }, keepAliveMs);
    const stallMs = this.#opts.stallTimeoutMs ?? 5000;
    this.#loopLag?.retain();
    this.#watchdog = setInterval(() => {
      const silent = Date.now() - this.#lastDataAt;
      // Silence while our own loop was late may be packets waiting in our socket: not the camera's fault.
      const late = this.#loopLag ? this.#loopLag.total() - this.#lagAtData : 0;
      if (silent - late > stallMs) this.#fail('STREAM_STALLED', `no video data for ${silent} ms`, { silentMs: silent, loopLateMs: Math.round(late) });
    }, Math.min(1000, Math.max(50, stallMs / 4)));
  }

  #markData(at = Date.now(), lagAt = this.#loopLag?.total() ?? 0): void {
    this.#gotData = false;
    this.#lastDataAt = at;
    this.#lagAtData = lagAt;
  }

  #stopTimers(): void {
    clearInterval(this.#keepAliveTimer);
    if (this.#watchdog) {
      clearInterval(this.#watchdog);
      this.#watchdog = undefined;
      this.#loopLag?.release();
    }
  }
}

function joinPieces(pieces: readonly Buffer[]): Buffer {
  return pieces.length === 1 ? pieces[0] : Buffer.concat(pieces);
}

/** How many pictures output order may lag decode order, from the SPS; null when it does not say. */
function reorderDepth(codec: VideoCodec, sps: Buffer | undefined): number | null {
  if (!sps) return null;
  try {
    return codec === 'h265' ? parseH265Sps(sps).maxNumReorderPics : parseSps(sps).maxNumReorderFrames;
  } catch {
    return null; // a broken SPS here is the muxer's to report; timing falls back to learning
  }
}

function bindSocket(s: dgram.Socket, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (e: Error) => reject(e);
    s.once('error', onError);
    s.bind(port, address, () => {
      s.off('error', onError);
      resolve();
    });
  });
}

function stripCredentials(url: string): string {
  try {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return url;
  }
}

function closeQuietly(s: dgram.Socket): void {
  try {
    s.close();
  } catch {
    // never bound or already closed
  }
}
