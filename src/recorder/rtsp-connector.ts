// Adapter from the in-process RTSP client to the recorder's Connector.
import type { Logger } from 'pino';
import { RtspClient, withParameterSets, type RtspVideoTrack } from '../media/index.ts';
import type { CameraConnection, CameraTarget, ConnectionHandlers, Connector } from './camera-recorder.ts';
import { fillCameraUrl } from '../cameras/index.ts';

export function rtspConnector(_logger: Logger): Connector {
  return (target: CameraTarget, handlers: ConnectionHandlers): CameraConnection => {
    const client = new RtspClient({
      // The stored URL has placeholders where the camera takes credentials in its query string.
      url: fillCameraUrl(target.url, target.username, target.password),
      username: target.username ?? undefined,
      password: target.password ?? undefined,
      transport: target.transport,
      // The recorder copies what it keeps (segment writer, live hub) and the muxer holds one unit:
      // the client may reuse the units' memory.
      transientUnits: true,
    });
    const ps: { sps?: Buffer; pps?: Buffer } = {};
    let done = false;
    const fail = (err: Error & { code?: string }) => {
      if (done) return;
      done = true;
      void client.close().catch(() => undefined);
      handlers.onError(err);
    };
    client.on('error', fail);
    // 'close' can come before connect()'s rejection settles; let the specific error win.
    client.on('close', () => setTimeout(() => fail(Object.assign(new Error('connection closed'), { code: 'STREAM_ENDED' })), 0));
    client.on('parameterSets', (sps, pps) => {
      ps.sps = sps;
      ps.pps = pps;
    });
    client.on('accessUnit', (au) => {
      if (done) return;
      // Many cameras send SPS/PPS only in the SDP, never in band, and the muxer learns parameter
      // sets from the stream. H.265: the client already puts VPS/SPS/PPS in front of IRAP pictures.
      handlers.onAccessUnit(au.codec === 'h265' ? au : withParameterSets(au, 'h264', ps));
    });
    client.connect().then(
      (track: RtspVideoTrack) => {
        ps.sps ??= track.sps;
        ps.pps ??= track.pps;
        if (track.hasAudio) handlers.onAudio?.();
      },
      (err) => fail(err),
    );
    return {
      close() {
        done = true;
        void client.close().catch(() => undefined);
      },
      // pictures the depacketizer dropped mid-stream: damaged by lost packets, or intact but
      // depending on a lost one (skipped until the next keyframe)
      lostFrames: () => client.stats.lostUnits,
    };
  };
}
