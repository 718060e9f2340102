// What the fuzzer feeds, and which failures are allowed. A parser may reject input only with its
// part's own error type (MediaError, RtspWireError); anything else (TypeError, RangeError, an
// assertion about its output) is a crash. Each target drives the real code path camera bytes take.
import { readdirSync, readFileSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import type net from 'node:net';
import { RtspServer, type RtspMediaSource } from '../../src/media/rtsp-server.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MediaError } from '../../src/media/errors.ts';
import { RtspWireError, RtspWireParser } from '../../src/media/rtsp-message.ts';
import { ClientAuthenticator, ServerAuthenticator, parseChallenges } from '../../src/media/rtsp-auth.ts';
import { findH264Track, findH265Track, findVideoTrack, hasAudio, parseSdp, resolveControlUrl } from '../../src/media/sdp.ts';
import { H26xDepacketizer, RtpReorderBuffer, parseRtpPacket } from '../../src/media/rtp-depacketizer.ts';
import { checkPps, h264TrackConfig, parseSps } from '../../src/media/h264.ts';
import { h265TrackConfig, parseH265Sps, groupH265AccessUnits } from '../../src/media/h265.ts';
import { groupH264AccessUnits, splitAnnexB } from '../../src/media/annexb.ts';
import { Fmp4Fragmenter } from '../../src/media/fmp4-fragmenter.ts';
import { initSegment } from '../../src/media/fmp4.ts';
import { initWithDuration, readFmp4, rebaseFragment } from '../../src/media/fmp4-reader.ts';
import type { AccessUnit, VideoCodec } from '../../src/media/types.ts';
import type { Rng } from './mutator.ts';

export interface FuzzTarget {
  name: string;
  /** Runs one input; throws only to report a failure (expected errors are caught by `expected`). */
  run(input: Buffer, rng: Rng): void;
  /** Errors that are a parser doing its job (rejecting bad input). */
  expected(err: unknown): boolean;
}

const CORPUS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');

export function loadCorpus(target: string): Buffer[] {
  const dir = path.join(CORPUS, target);
  return readdirSync(dir).sort().map((f) => readFileSync(path.join(dir, f)));
}

/** Parts of a length-prefixed list (as make-corpus.ts stores packet sequences); a torn tail is dropped. */
export function splitPrefixed(buf: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  while (off + 2 <= buf.length) {
    const n = buf.readUInt16BE(off);
    off += 2;
    if (off + n > buf.length) break;
    out.push(buf.subarray(off, off + n));
    off += n;
  }
  return out;
}

const mediaError = (e: unknown): boolean => e instanceof MediaError;
const never = (): boolean => false;

function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`invariant broken: ${what}`);
}

/** Feed access units to the muxer the way the recorder does; the muxer may refuse with MediaError only. */
function mux(units: AccessUnit[], codec?: VideoCodec): number {
  const f = new Fmp4Fragmenter(codec ? { codec } : {});
  let bytes = 0;
  for (const au of units) {
    try {
      for (const o of f.push(au)) bytes += o.data.length;
    } catch (e) {
      if (!(e instanceof MediaError)) throw e;
    }
  }
  for (const o of f.flush()) bytes += o.data.length;
  return bytes;
}

function rtpTarget(name: string, codec: VideoCodec): FuzzTarget {
  return {
    name,
    expected: never,
    run(input, rng) {
      const dp = new H26xDepacketizer({ codec, requireKeyframe: rng.int(2) === 0 });
      const reorder = rng.int(2) ? new RtpReorderBuffer(4) : null;
      const units: AccessUnit[] = [];
      for (const raw of splitPrefixed(input)) {
        const pkt = parseRtpPacket(raw);
        if (!pkt) continue;
        check(pkt.payload.length <= raw.length, 'RTP payload inside the packet');
        for (const p of reorder ? reorder.push(pkt) : [pkt]) units.push(...dp.push(p));
      }
      units.push(...dp.flush());
      for (const u of units) {
        check(u.nalus.length > 0 && u.nalus.every((n) => n.length > 0), 'units hold non-empty NAL units');
        check(Number.isFinite(u.dts) && u.pts === u.dts, 'finite timestamps');
      }
      // Whatever the depacketizer lets through goes to disk next: the muxer must cope too.
      mux(units);
    },
  };
}

function annexBTarget(name: string, codec: VideoCodec): FuzzTarget {
  return {
    name,
    expected: mediaError,
    run(input) {
      const nalus = splitAnnexB(input);
      const groups = codec === 'h265' ? groupH265AccessUnits(nalus) : groupH264AccessUnits(nalus);
      const units = groups.map((n, i) => ({ nalus: n, dts: i * 3600, pts: i * 3600 + (i % 3) * 1800, keyframe: false }));
      // Half the time the codec is left for the fragmenter to sniff.
      mux(units, input.length % 2 ? codec : undefined);
    },
  };
}

const server = {
  digest: new ServerAuthenticator({ scheme: 'digest', username: 'op', password: 'pw' }),
  basic: new ServerAuthenticator({ scheme: 'basic', username: 'op', password: 'pw' }),
};

class FakeSocket extends EventEmitter {
  destroyed = false;
  writable = true;
  writableLength = 0;
  remoteAddress = '127.0.0.1';
  localAddress = '127.0.0.1';
  setNoDelay(): this {
    return this;
  }
  write(_data: Buffer | string): boolean {
    return !this.destroyed;
  }
  end(data?: Buffer | string): void {
    if (data !== undefined) this.write(data);
    this.destroy();
  }
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.writable = false;
    this.emit('close');
  }
}

/**
 * The server side: what a hostile client can send. One server (not listening) gets each case on a
 * fresh in-memory socket; everything it writes back is discarded.
 */
function serverTarget(): FuzzTarget {
  let servers: RtspServer[] | null = null;
  const source: RtspMediaSource = {
    parameterSets: () => ({ sps: Buffer.from('6742c01e95a0500f5a0202', 'hex'), pps: Buffer.from('68ce3c80', 'hex') }),
    subscribe: () => () => {},
  };
  return {
    name: 'rtsp-server',
    expected: never,
    run(input, rng) {
      if (!servers) {
        // plain, Digest, and one that takes publishers (ANNOUNCE/RECORD: a client's SDP and RTP reach it)
        servers = [new RtspServer(), new RtspServer({ auth: { scheme: 'digest', username: 'op', password: 'pw' } }), new RtspServer({ acceptPublish: true })];
        for (const s of servers) s.addPath('/cam1', source);
      }
      const pick = rng.int(4);
      const server = servers[pick === 0 ? 1 : pick === 1 ? 2 : 0];
      // A synchronous stand-in for net.Socket: a real stream defers its callbacks to later ticks,
      // which a tight fuzzing loop never reaches (they piled up to 800 MB in a first version).
      const sock = new FakeSocket();
      server.acceptConnection(sock as unknown as net.Socket);
      const cut = rng.int(input.length + 1);
      sock.emit('data', input.subarray(0, cut));
      sock.emit('data', input.subarray(cut));
      sock.destroy();
    },
  };
}

export const TARGETS: FuzzTarget[] = [
  serverTarget(),
  {
    name: 'rtsp-wire',
    expected: (e) => e instanceof RtspWireError,
    run(input, rng) {
      // Cut where TCP might: the parser must give the same items however the bytes arrive.
      const parser = new RtspWireParser();
      const cut1 = rng.int(input.length + 1);
      const cut2 = cut1 + rng.int(input.length - cut1 + 1);
      for (const chunk of [input.subarray(0, cut1), input.subarray(cut1, cut2), input.subarray(cut2)]) {
        for (const item of parser.feed(chunk)) {
          if (item.kind === 'response') {
            parseChallenges(item.headers.get('www-authenticate') ?? []);
            if (item.body.length) findVideoTrack(parseSdp(item.body.toString('utf8')));
          } else if (item.kind === 'interleaved') {
            check(item.channel >= 0 && item.channel <= 255, 'channel is a byte');
            parseRtpPacket(item.payload);
          }
        }
      }
    },
  },
  {
    name: 'sdp',
    expected: never,
    run(input) {
      const desc = parseSdp(input.toString('utf8'));
      const v = findVideoTrack(desc);
      findH264Track(desc);
      findH265Track(desc);
      hasAudio(desc);
      resolveControlUrl('rtsp://127.0.0.1:554/cam/', v?.control);
      if (v) check(Number.isFinite(v.payloadType) && Number.isFinite(v.clockRate), 'numeric payload type and clock');
    },
  },
  rtpTarget('rtp-h264', 'h264'),
  rtpTarget('rtp-h265', 'h265'),
  {
    name: 'h264-ps',
    expected: mediaError,
    run(input) {
      const [sps = Buffer.alloc(0), pps = Buffer.alloc(0)] = splitPrefixed(input);
      const info = parseSps(sps);
      check(info.width > 0 && info.height > 0 && info.width <= 16384 && info.height <= 16384, 'plausible size');
      checkPps(pps);
      initSegment(h264TrackConfig(sps, pps));
    },
  },
  {
    name: 'h265-ps',
    expected: mediaError,
    run(input) {
      const [vps = Buffer.alloc(0), sps = Buffer.alloc(0), pps = Buffer.alloc(0)] = splitPrefixed(input);
      const info = parseH265Sps(sps);
      check(info.width > 0 && info.height > 0 && info.width <= 16384 && info.height <= 16384, 'plausible size');
      initSegment(h265TrackConfig(vps, sps, pps));
    },
  },
  annexBTarget('annexb-h264', 'h264'),
  annexBTarget('annexb-h265', 'h265'),
  {
    name: 'mp4',
    expected: mediaError,
    run(input) {
      const file = readFmp4(input);
      check(file.init.length <= input.length && file.trailingBytes >= 0, 'init and tail inside the file');
      for (const f of file.fragments) {
        check(f.offset >= 0 && f.offset + f.size <= input.length, 'fragment inside the file');
        rebaseFragment(input, f, 90_000, 7);
      }
      initWithDuration(file.init, 1000);
    },
  },
  {
    name: 'rtsp-auth',
    expected: never,
    run(input) {
      const text = input.toString('utf8');
      const challenges = parseChallenges(text.split('\n'));
      ClientAuthenticator.from(challenges, { username: 'op', password: 'pw' })?.authorization('DESCRIBE', 'rtsp://127.0.0.1/cam');
      server.digest.verify(text, 'DESCRIBE');
      server.basic.verify(text, 'PLAY');
    },
  },
];
