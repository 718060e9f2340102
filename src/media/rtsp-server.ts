// A small RTSP server for H.264 and H.265 sources (the camera simulator uses it; it is not Vigil's public
// restreaming). Each path has one source; every access unit is packetized once and the very same
// buffers go to every viewer: TCP viewers get one write of pre-framed interleaved bytes, UDP
// viewers get sub-slices of that buffer. A TCP viewer that cannot keep up loses whole units until
// the next keyframe instead of making the server buffer without bound.
// With `acceptPublish`, a publisher (ffmpeg `-f rtsp`, an encoder that pushes) may ANNOUNCE a new
// path and RECORD into it over TCP; its stream is served like any other source until it leaves.
import net from 'node:net';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import type { AccessUnit, VideoCodec } from './types.ts';
import { RtspWireParser, header, serializeResponse, type RtspRequest } from './rtsp-message.ts';
import { ServerAuthenticator, type ServerAuthOptions } from './rtsp-auth.ts';
import { buildH264Sdp, buildH265Sdp, findVideoTrack, parseSdp } from './sdp.ts';
import { PublishedStream } from './rtsp-publish.ts';
import { H26xPacketizer, type RtpBatch } from './rtp-packetizer.ts';
import { RtspError } from './rtsp-errors.ts';
import { withParameterSets } from './access-unit.ts';

export interface RtspMediaSource {
  /** The payload format (default 'h264'); an H.265 source also gives a VPS. */
  readonly codec?: VideoCodec;
  /** Parameter sets for DESCRIBE; undefined while unknown (DESCRIBE then answers 503). */
  parameterSets(): { sps: Buffer; pps: Buffer; vps?: Buffer } | undefined;
  /** Start delivering access units (dts on 90 kHz); returns the function that stops. */
  subscribe(onAccessUnit: (au: AccessUnit) => void): () => void;
}

export interface RtspServerOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  auth?: ServerAuthOptions;
  /** Offer UDP transport (default true). */
  udp?: boolean;
  /** Bytes a TCP viewer may have queued before units are dropped for it (default 2 MiB). */
  maxTcpQueueBytes?: number;
  /** UDP sessions without a request or RTCP for this long are dropped (default 60). */
  sessionTimeoutSec?: number;
  /** Let clients publish new paths with ANNOUNCE/RECORD (RTP over TCP only). Default false. */
  acceptPublish?: boolean;
}

export interface RtspServerStats {
  connections: number;
  sessions: number;
  playing: number;
  /** Units not sent to a viewer because its TCP queue was full. */
  droppedForSlowViewers: number;
  /** Paths announced by publishers that are still connected. */
  published: string[];
}

interface PathState {
  name: string;
  source: RtspMediaSource;
  packetizer: H26xPacketizer;
  viewers: Set<Session>;
  unsubscribe?: () => void;
  /** Set when the path was announced by a publisher: it lives as long as that publisher. */
  publisher?: { conn: Connection; stream: PublishedStream; control?: string };
}

interface Connection {
  socket: net.Socket;
  parser: RtspWireParser;
  sessions: Set<Session>;
  /** Paths this connection announced. */
  announced: Set<PathState>;
}

type SessionTransport = { kind: 'tcp'; channel: number } | { kind: 'udp'; address: string; rtpPort: number; rtcpPort: number };

interface Session {
  id: string;
  path: PathState;
  conn: Connection;
  transport: SessionTransport;
  playing: boolean;
  needKeyframe: boolean;
  lastSeen: number;
  /** A publisher's session: interleaved channel -> whether it carries the video it announced. */
  publish?: { channels: Map<number, boolean>; recording: boolean };
}

const PUBLIC_METHODS = 'OPTIONS, DESCRIBE, SETUP, PLAY, PAUSE, TEARDOWN, GET_PARAMETER, SET_PARAMETER';
const PUBLISH_METHODS = `${PUBLIC_METHODS}, ANNOUNCE, RECORD`;

export class RtspServer {
  readonly #opts: RtspServerOptions;
  readonly #auth?: ServerAuthenticator;
  readonly #paths = new Map<string, PathState>();
  readonly #sessions = new Map<string, Session>();
  readonly #connections = new Set<Connection>();
  #server?: net.Server;
  #udp?: { rtp: dgram.Socket; rtcp: dgram.Socket; port: number };
  #sweep?: NodeJS.Timeout;
  #port = 0;
  #dropped = 0;

  constructor(opts: RtspServerOptions = {}) {
    this.#opts = opts;
    if (opts.auth) this.#auth = new ServerAuthenticator(opts.auth);
  }

  get port(): number {
    return this.#port;
  }

  addPath(name: string, source: RtspMediaSource): void {
    const key = normalizePath(name);
    if (this.#paths.has(key)) throw new RtspError('RTSP_PROTOCOL', `path ${key} already served`);
    this.#paths.set(key, { name: key, source, packetizer: new H26xPacketizer({ codec: source.codec ?? 'h264' }), viewers: new Set() });
  }

  removePath(name: string): void {
    const p = this.#paths.get(normalizePath(name));
    if (p) this.#dropPath(p);
  }

  #dropPath(p: PathState): void {
    if (this.#paths.get(p.name) !== p) return;
    this.#paths.delete(p.name);
    p.publisher?.conn.announced.delete(p);
    const viewers = [...this.#sessions.values()].filter((s) => s.path === p && !s.publish);
    for (const s of this.#sessions.values()) if (s.path === p) this.#endSession(s);
    p.unsubscribe?.();
    p.unsubscribe = undefined;
    if (p.publisher) {
      // The stream is gone for good: hang up on viewers left with nothing, so they notice now rather
      // than when their stall timer fires.
      for (const s of viewers) if (s.conn.sessions.size === 0) s.conn.socket.destroy();
    }
  }

  stats(): RtspServerStats {
    let playing = 0;
    for (const s of this.#sessions.values()) if (s.playing) playing++;
    const published = [...this.#paths.values()].filter((p) => p.publisher).map((p) => p.name);
    return { connections: this.#connections.size, sessions: this.#sessions.size, playing, droppedForSlowViewers: this.#dropped, published };
  }

  async listen(): Promise<number> {
    const host = this.#opts.host ?? '127.0.0.1';
    const server = net.createServer((sock) => this.#onConnection(sock));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.#opts.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', () => {});
    this.#port = (server.address() as net.AddressInfo).port;
    if (this.#opts.udp !== false) this.#udp = await bindUdpPair(host);
    this.#udp?.rtcp.on('message', (_msg, rinfo) => {
      // Receiver reports keep UDP sessions alive.
      for (const s of this.#sessions.values()) {
        if (s.transport.kind === 'udp' && s.transport.address === rinfo.address && s.transport.rtcpPort === rinfo.port) s.lastSeen = Date.now();
      }
    });
    const timeoutMs = (this.#opts.sessionTimeoutSec ?? 60) * 1000;
    this.#sweep = setInterval(() => {
      const now = Date.now();
      for (const s of [...this.#sessions.values()]) if (s.transport.kind === 'udp' && now - s.lastSeen > timeoutMs) this.#endSession(s);
    }, Math.min(5000, timeoutMs));
    this.#sweep.unref();
    return this.#port;
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    for (const c of [...this.#connections]) c.socket.destroy();
    for (const s of [...this.#sessions.values()]) this.#endSession(s);
    for (const p of this.#paths.values()) {
      p.unsubscribe?.();
      p.unsubscribe = undefined;
    }
    if (this.#udp) {
      closeQuietly(this.#udp.rtp);
      closeQuietly(this.#udp.rtcp);
      this.#udp = undefined;
    }
    const server = this.#server;
    this.#server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Serve an already-connected socket (from another listener, or a test feeding bytes directly). */
  acceptConnection(socket: net.Socket): void {
    this.#onConnection(socket);
  }

  #onConnection(socket: net.Socket): void {
    socket.setNoDelay(true);
    const conn: Connection = { socket, parser: new RtspWireParser(), sessions: new Set(), announced: new Set() };
    this.#connections.add(conn);
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.#connections.delete(conn);
      for (const s of [...conn.sessions]) this.#endSession(s);
      for (const p of [...conn.announced]) this.#dropPath(p);
    });
    socket.on('data', (chunk: Buffer) => {
      let items;
      try {
        items = conn.parser.feed(chunk);
      } catch {
        socket.end(serializeResponse(400, 'Bad Request', {}));
        return;
      }
      for (const item of items) {
        if (item.kind === 'request') this.#onRequest(conn, item);
        else if (item.kind === 'interleaved') this.#onInterleaved(conn, item.channel, item.payload);
      }
    });
  }

  #onInterleaved(conn: Connection, channel: number, payload: Buffer): void {
    const now = Date.now();
    for (const s of conn.sessions) {
      s.lastSeen = now; // RTCP over TCP, or a publisher's media
      if (s.publish?.recording && s.publish.channels.get(channel)) s.path.publisher?.stream.pushRtp(payload);
    }
  }

  #onRequest(conn: Connection, req: RtspRequest): void {
    const cseq = header(req.headers, 'cseq') ?? '0';
    const base: Record<string, string | number> = { CSeq: cseq, Server: 'Vigil' };
    const reply = (status: number, reason: string, headers: Record<string, string | number> = {}, body?: string) => {
      if (!conn.socket.destroyed) conn.socket.write(serializeResponse(status, reason, { ...base, ...headers }, body));
    };
    const sessionId = header(req.headers, 'session')?.split(';')[0].trim();
    const session = sessionId ? this.#sessions.get(sessionId) : undefined;
    if (session) session.lastSeen = Date.now();

    if (this.#auth) {
      const verdict = this.#auth.verify(header(req.headers, 'authorization'), req.method);
      if (verdict !== 'ok') return reply(401, 'Unauthorized', { 'WWW-Authenticate': this.#auth.challenge(verdict === 'stale') });
    }

    const { path, track } = this.#resolvePath(req.url);
    switch (req.method) {
      case 'OPTIONS':
        return reply(200, 'OK', { Public: this.#opts.acceptPublish ? PUBLISH_METHODS : PUBLIC_METHODS });
      case 'ANNOUNCE':
        return this.#announce(conn, req, reply);
      case 'RECORD': {
        if (!session?.publish) return reply(455, 'Method Not Valid in This State');
        session.publish.recording = true;
        return reply(200, 'OK', { Session: session.id });
      }
      case 'GET_PARAMETER':
      case 'SET_PARAMETER':
        return reply(200, 'OK', session ? { Session: session.id } : {});
      case 'DESCRIBE': {
        if (!path) return reply(404, 'Not Found');
        const ps = path.source.parameterSets();
        if (!ps) return reply(503, 'Service Unavailable');
        const sdpCommon = { sessionName: path.name, control: 'trackID=0', address: conn.socket.localAddress?.replace(/^::ffff:/, '') };
        if (path.packetizer.codec === 'h265' && !ps.vps) return reply(503, 'Service Unavailable');
        const sdp = path.packetizer.codec === 'h265' ? buildH265Sdp({ vps: ps.vps!, sps: ps.sps, pps: ps.pps, ...sdpCommon }) : buildH264Sdp({ sps: ps.sps, pps: ps.pps, ...sdpCommon });
        const contentBase = req.url.replace(/\/?(\?.*)?$/, '/');
        return reply(200, 'OK', { 'Content-Base': contentBase, 'Content-Type': 'application/sdp' }, sdp);
      }
      case 'SETUP': {
        if (!path) return reply(404, 'Not Found');
        if (/;\s*mode\s*=\s*"?record"?/i.test(header(req.headers, 'transport') ?? '')) return this.#setupRecord(conn, req, path, track, session, reply);
        if (session?.publish) return reply(455, 'Method Not Valid in This State');
        if (track !== undefined && track !== 'trackID=0') return reply(404, 'Not Found');
        if (session) return reply(459, 'Aggregate Operation Not Allowed'); // one track per session
        const t = this.#parseTransport(header(req.headers, 'transport') ?? '', conn);
        if (!t) return reply(461, 'Unsupported Transport');
        const s: Session = {
          id: randomBytes(8).toString('hex'),
          path,
          conn,
          transport: t,
          playing: false,
          needKeyframe: true,
          lastSeen: Date.now(),
        };
        this.#sessions.set(s.id, s);
        conn.sessions.add(s);
        const ssrc = path.packetizer.ssrc.toString(16).padStart(8, '0').toUpperCase();
        const transport =
          t.kind === 'tcp'
            ? `RTP/AVP/TCP;unicast;interleaved=${t.channel}-${t.channel + 1};ssrc=${ssrc}`
            : `RTP/AVP;unicast;client_port=${t.rtpPort}-${t.rtcpPort};server_port=${this.#udp!.port}-${this.#udp!.port + 1};ssrc=${ssrc}`;
        return reply(200, 'OK', { Transport: transport, Session: `${s.id};timeout=${this.#opts.sessionTimeoutSec ?? 60}` });
      }
      case 'PLAY': {
        if (!session) return reply(454, 'Session Not Found');
        if (session.publish) return reply(455, 'Method Not Valid in This State');
        if (!session.playing) {
          session.playing = true;
          session.needKeyframe = true;
          this.#addViewer(session);
        }
        return reply(200, 'OK', { Session: session.id, Range: 'npt=0.000-' });
      }
      case 'PAUSE': {
        if (!session) return reply(454, 'Session Not Found');
        this.#removeViewer(session);
        session.playing = false;
        return reply(200, 'OK', { Session: session.id });
      }
      case 'TEARDOWN': {
        if (session) this.#endSession(session);
        return reply(200, 'OK', session ? { Session: session.id } : {});
      }
      default:
        return reply(501, 'Not Implemented');
    }
  }

  #announce(conn: Connection, req: RtspRequest, reply: Reply): void {
    if (!this.#opts.acceptPublish) return reply(405, 'Method Not Allowed', { Allow: PUBLIC_METHODS });
    const name = pathNameOf(req.url);
    if (!name || name === '/') return reply(400, 'Bad Request');
    if (this.#paths.has(name)) return reply(455, 'Method Not Valid in This State'); // served or being published already
    if (!/^application\/sdp\b/i.test(header(req.headers, 'content-type') ?? '')) return reply(415, 'Unsupported Media Type');
    let track;
    try {
      track = findVideoTrack(parseSdp(req.body.toString('utf8')));
    } catch {
      return reply(400, 'Bad Request');
    }
    if (!track) return reply(415, 'Unsupported Media Type'); // no H.264 or H.265 video in it
    const stream = new PublishedStream(track);
    const path: PathState = { name, source: stream, packetizer: new H26xPacketizer({ codec: stream.codec }), viewers: new Set(), publisher: { conn, stream, control: track.control } };
    this.#paths.set(name, path);
    conn.announced.add(path);
    return reply(200, 'OK');
  }

  #setupRecord(conn: Connection, req: RtspRequest, path: PathState, track: string | undefined, session: Session | undefined, reply: Reply): void {
    if (!path.publisher || path.publisher.conn !== conn) return reply(455, 'Method Not Valid in This State');
    if (session && (!session.publish || session.path !== path)) return reply(455, 'Method Not Valid in This State');
    const t = this.#parseTransport(header(req.headers, 'transport') ?? '', conn);
    // Publishing over UDP would need per-publisher receive ports; TCP is what pushing encoders use.
    if (!t || t.kind !== 'tcp') return reply(461, 'Unsupported Transport');
    // The announced video is the track whose control URL this is; other tracks (audio) are accepted and dropped.
    const control = path.publisher.control;
    const isVideo = !control || control === '*' ? true : track === control || track === control.split('/').pop();
    let s = session;
    if (!s) {
      s = { id: randomBytes(8).toString('hex'), path, conn, transport: t, playing: false, needKeyframe: false, lastSeen: Date.now(), publish: { channels: new Map(), recording: false } };
      this.#sessions.set(s.id, s);
      conn.sessions.add(s);
    }
    s.publish!.channels.set(t.channel, isVideo);
    return reply(200, 'OK', { Transport: `RTP/AVP/TCP;unicast;interleaved=${t.channel}-${t.channel + 1};mode=record`, Session: `${s.id};timeout=${this.#opts.sessionTimeoutSec ?? 60}` });
  }

  #resolvePath(url: string): { path?: PathState; track?: string } {
    const pathname = pathNameOf(url);
    if (!pathname) return {};
    const exact = this.#paths.get(pathname);
    if (exact) return { path: exact };
    const slash = pathname.lastIndexOf('/');
    if (slash > 0) {
      const p = this.#paths.get(pathname.slice(0, slash));
      if (p) return { path: p, track: pathname.slice(slash + 1) };
    }
    return {};
  }

  #parseTransport(value: string, conn: Connection): SessionTransport | undefined {
    for (const spec of value.split(',')) {
      const parts = spec.trim().split(';').map((s) => s.trim());
      const proto = parts[0]?.toUpperCase();
      const params = new Map(parts.slice(1).map((p) => { const eq = p.indexOf('='); return eq < 0 ? [p.toLowerCase(), ''] : [p.slice(0, eq).toLowerCase(), p.slice(eq + 1)]; }));
      if (params.has('multicast')) continue;
      if (proto === 'RTP/AVP/TCP') {
        const m = /^(\d+)(?:-(\d+))?$/.exec(params.get('interleaved') ?? '');
        let channel = m ? Number(m[1]) : 0;
        if (!m) while ([...conn.sessions].some((s) => s.transport.kind === 'tcp' && s.transport.channel === channel)) channel += 2;
        if (channel > 254) continue;
        return { kind: 'tcp', channel };
      }
      if ((proto === 'RTP/AVP' || proto === 'RTP/AVP/UDP') && this.#udp) {
        const m = /^(\d+)(?:-(\d+))?$/.exec(params.get('client_port') ?? '');
        if (!m) continue;
        const rtpPort = Number(m[1]);
        const rtcpPort = m[2] ? Number(m[2]) : rtpPort + 1;
        const address = (conn.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
        if (rtpPort <= 0 || rtpPort > 65535) continue;
        return { kind: 'udp', address, rtpPort, rtcpPort };
      }
    }
    return undefined;
  }

  #addViewer(s: Session): void {
    const path = s.path;
    path.viewers.add(s);
    if (!path.unsubscribe) path.unsubscribe = path.source.subscribe((au) => this.#fanOut(path, au));
  }

  #removeViewer(s: Session): void {
    const path = s.path;
    path.viewers.delete(s);
    if (path.viewers.size === 0 && path.unsubscribe) {
      path.unsubscribe();
      path.unsubscribe = undefined;
    }
  }

  #endSession(s: Session): void {
    if (!this.#sessions.has(s.id)) return;
    this.#removeViewer(s);
    this.#sessions.delete(s.id);
    s.conn.sessions.delete(s);
    s.playing = false;
    if (s.publish) this.#dropPath(s.path); // the publisher left: its path goes with it
  }

  #fanOut(path: PathState, au: AccessUnit): void {
    if (path.viewers.size === 0) return;
    let batch: RtpBatch | undefined;
    const max = this.#opts.maxTcpQueueBytes ?? 2 * 1024 * 1024;
    for (const s of path.viewers) {
      if (s.needKeyframe && !au.keyframe) continue;
      // Viewers join at a keyframe: it must carry parameter sets even if the source sends them out of band.
      batch ??= path.packetizer.packetize(au.keyframe ? withParameterSets(au, path.source.codec ?? 'h264', path.source.parameterSets() ?? {}) : au);
      if (s.transport.kind === 'tcp') {
        const sock = s.conn.socket;
        if (sock.destroyed || !sock.writable) continue;
        if (sock.writableLength > max) {
          s.needKeyframe = true;
          this.#dropped++;
          continue;
        }
        sock.write(batch.interleaved(s.transport.channel));
      } else if (this.#udp) {
        const { address, rtpPort } = s.transport;
        for (const pkt of batch.packets) this.#udp.rtp.send(pkt, rtpPort, address, noop);
      }
      s.needKeyframe = false;
    }
  }
}

function noop(): void {}

type Reply = (status: number, reason: string, headers?: Record<string, string | number>, body?: string) => void;

/** The normalised path of a request URL; undefined when it cannot be one. */
function pathNameOf(url: string): string | undefined {
  try {
    const pathname = url.startsWith('/') ? url.split('?')[0] : new URL(url).pathname;
    return normalizePath(decodeURIComponent(pathname));
  } catch {
    return undefined; // a malformed URL or %-escape (fuzzing found it threw out of the socket handler)
  }
}

function normalizePath(p: string): string {
  const withSlash = p.startsWith('/') ? p : `/${p}`;
  return withSlash.length > 1 ? withSlash.replace(/\/+$/, '') : withSlash;
}

async function bindUdpPair(host: string): Promise<{ rtp: dgram.Socket; rtcp: dgram.Socket; port: number }> {
  const type = net.isIPv6(host) ? 'udp6' : 'udp4';
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 40000 + 2 * Math.floor(Math.random() * 10000);
    const rtp = dgram.createSocket(type);
    const rtcp = dgram.createSocket(type);
    try {
      await bind(rtp, port, host);
      await bind(rtcp, port + 1, host);
      rtp.on('error', noop);
      rtcp.on('error', noop);
      return { rtp, rtcp, port };
    } catch {
      closeQuietly(rtp);
      closeQuietly(rtcp);
    }
  }
  throw new RtspError('RTSP_PROTOCOL', 'could not bind a UDP port pair for RTP');
}

function bind(s: dgram.Socket, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, host, () => {
      s.off('error', reject);
      resolve();
    });
  });
}

function closeQuietly(s: dgram.Socket): void {
  try {
    s.close();
  } catch {
    // never bound or already closed
  }
}
