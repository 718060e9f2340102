// A stream pushed to our RTSP server by a publisher (ANNOUNCE + SETUP mode=record + RECORD, RFC 2326
// §10.11 and §10.12), as ffmpeg `-f rtsp` does: the RTP packets it sends are depacketized once and
// offered to viewers like any other source of the server. Pure apart from the callbacks: packets in,
// access units out.
import type { AccessUnit, VideoCodec } from './types.ts';
import type { VideoSdpTrack } from './sdp.ts';
import { H26xDepacketizer, parseRtpPacket, type DepacketizerStats } from './rtp-depacketizer.ts';
import { H264_NAL } from './annexb.ts';
import { H265_NAL } from './h265.ts';

type ParameterSets = { sps: Buffer; pps: Buffer; vps?: Buffer };

export class PublishedStream {
  readonly codec: VideoCodec;
  readonly payloadType: number;
  #sps?: Buffer;
  #pps?: Buffer;
  #vps?: Buffer;
  #depack: H26xDepacketizer;
  #subscribers = new Set<(au: AccessUnit) => void>();
  #ignored = 0;

  constructor(track: VideoSdpTrack) {
    this.codec = track.codec;
    this.payloadType = track.payloadType;
    this.#sps = track.sps;
    this.#pps = track.pps;
    if (track.codec === 'h265') this.#vps = track.vps;
    // Viewers join at a keyframe anyway; units before the first one could not be decoded.
    this.#depack = new H26xDepacketizer({ codec: track.codec, requireKeyframe: true });
  }

  /** From the ANNOUNCE's SDP, replaced by in-band ones as they come (a publisher may change them). */
  parameterSets(): ParameterSets | undefined {
    if (!this.#sps || !this.#pps) return undefined;
    if (this.codec === 'h265') return this.#vps ? { vps: this.#vps, sps: this.#sps, pps: this.#pps } : undefined;
    return { sps: this.#sps, pps: this.#pps };
  }

  subscribe(onAccessUnit: (au: AccessUnit) => void): () => void {
    this.#subscribers.add(onAccessUnit);
    return () => this.#subscribers.delete(onAccessUnit);
  }

  stats(): DepacketizerStats & { ignoredPackets: number } {
    return { ...this.#depack.stats, ignoredPackets: this.#ignored };
  }

  /** One RTP packet from the publisher's video channel; anything that is not our payload is counted and dropped. */
  pushRtp(packet: Buffer): void {
    const pkt = parseRtpPacket(packet);
    if (!pkt || pkt.payloadType !== this.payloadType) {
      this.#ignored++;
      return;
    }
    for (const au of this.#depack.push(pkt)) {
      if (au.keyframe) this.#learnParameterSets(au.nalus);
      for (const fn of this.#subscribers) fn(au);
    }
  }

  #learnParameterSets(nalus: readonly Buffer[]): void {
    for (const n of nalus) {
      if (this.codec === 'h265') {
        const t = (n[0] >> 1) & 0x3f;
        // Copies: a unit's NAL units may be views of the socket's reads.
        if (t === H265_NAL.VPS) this.#vps = Buffer.from(n);
        else if (t === H265_NAL.SPS) this.#sps = Buffer.from(n);
        else if (t === H265_NAL.PPS) this.#pps = Buffer.from(n);
      } else {
        const t = n[0] & 0x1f;
        if (t === H264_NAL.SPS) this.#sps = Buffer.from(n);
        else if (t === H264_NAL.PPS) this.#pps = Buffer.from(n);
      }
    }
  }
}
