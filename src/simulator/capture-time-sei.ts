// The simulated camera's capture clock, carried inside the video: an H.264/H.265 SEI message of
// type user_data_unregistered (5) holding Vigil's UUID and the wall-clock time (µs since the Unix
// epoch) at which the camera sent the picture. Decoders ignore it; the node reads it back
// (src/analytics/live/fmp4-times.ts) so alert latency can be measured from the camera, not from arrival.
// Pure.
import type { VideoCodec } from '../media/index.ts';
import { addEmulationPrevention } from '../media/index.ts';

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
