// The simulated camera's capture clock, carried inside the video: an H.264/H.265 SEI message of
// type user_data_unregistered (5) holding Vigil's UUID and the wall-clock time (µs since the Unix
// epoch) at which the camera sent the picture. Decoders ignore it; the simulator writes it and the
// node reads it back (src/analytics/live/fmp4-times.ts) so alert latency can be measured from the
// camera, not from arrival. Pure.
import type { VideoCodec } from './types.ts';
import { addEmulationPrevention } from './h264.ts';

/** Vigil's UUID for the capture-time SEI (random, fixed). */
export const CAPTURE_TIME_UUID = Buffer.from('8d2c4e1a7b3f4c59a6e0d51f93b2c7e4', 'hex');

/** One SEI NAL unit (no start code) stamping `epochMicros`. */
export function captureTimeSei(epochMicros: number, codec: VideoCodec = 'h264'): Buffer {
  const payload = Buffer.alloc(16 + 8);
  CAPTURE_TIME_UUID.copy(payload, 0);
  payload.writeBigUInt64BE(BigInt(Math.round(epochMicros)), 16);
  // payloadType 5, payloadSize 24 (both below 255: one byte each), payload, rbsp trailing bits.
  const rbsp = Buffer.concat([Buffer.from([5, payload.length]), payload, Buffer.from([0x80])]);
  const header = codec === 'h265' ? Buffer.from([39 << 1, 0x01]) : Buffer.from([0x06]);
  return Buffer.concat([header, addEmulationPrevention(rbsp)]);
}

/**
 * The capture time (ms since the epoch) in an SEI NAL unit's payload (the bytes after its NAL
 * header, emulation prevention still in), or null when it holds no Vigil capture-time message.
 */
export function captureTimeOfSei(ebsp: Buffer): number | null {
  // Short messages: strip emulation prevention (00 00 03 -> 00 00) first.
  const rbsp: number[] = [];
  let zeros = 0;
  for (const b of ebsp) {
    if (zeros >= 2 && b === 3) {
      zeros = 0;
      continue;
    }
    rbsp.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  let i = 0;
  while (i < rbsp.length && rbsp[i] !== 0x80) {
    let type = 0;
    while (rbsp[i] === 0xff) (type += 255), i++;
    type += rbsp[i++];
    let size = 0;
    while (rbsp[i] === 0xff) (size += 255), i++;
    size += rbsp[i++];
    if (i + size > rbsp.length) return null;
    if (type === 5 && size >= 24 && CAPTURE_TIME_UUID.every((b, k) => rbsp[i + k] === b)) {
      const micros = Buffer.from(rbsp.slice(i + 16, i + 24)).readBigUInt64BE(0);
      return Number(micros) / 1000;
    }
    i += size;
  }
  return null;
}
