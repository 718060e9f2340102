// Runs inside a network namespace of its own (test/onvif/discovery.test.ts): the simulator's ONVIF
// face answering WS-Discovery, a device that answers probes with garbage, and both Vigil's
// discoverOnvif and the npm onvif client's Discovery.probe. Prints one JSON line.
import { createRequire } from 'node:module';
import { createSocket } from 'node:dgram';
import { startOnvifFace } from '../../src/simulator/index.ts';
import { discoverOnvif, WS_DISCOVERY_ADDRESS, WS_DISCOVERY_PORT } from '../../src/onvif/index.ts';

const face = await startOnvifFace({
  cameras: [{ name: 'cam1', url: 'rtsp://127.0.0.1:8554/cam1' }, { name: 'cam2', url: 'rtsp://127.0.0.1:8554/cam2' }],
  username: 'u',
  password: 'p',
  discoveryInterface: '127.0.0.1',
});
// A broken device on the same network: answers every probe with junk.
const junk = createSocket({ type: 'udp4', reuseAddr: true });
junk.on('message', (_m, r) => junk.send(Buffer.from('<<<not soap\u0000\u00ff'), r.port, r.address));
await new Promise<void>((r) => junk.bind(WS_DISCOVERY_PORT, () => r()));
junk.addMembership(WS_DISCOVERY_ADDRESS, '127.0.0.1');

const vigil = await discoverOnvif({ timeoutMs: 1000, multicastInterface: '127.0.0.1' });
const require = createRequire(import.meta.url);
const { Discovery } = require('onvif') as { Discovery: { probe(o: Record<string, unknown>, cb: (err: unknown, cams: { probeMatches: { probeMatch: { XAddrs: string; endpointReference: { address: string } } } }[]) => void): void; on(ev: string, cb: (...a: unknown[]) => void): void } };
Discovery.on('error', () => undefined); // the junk answers: the client reports them as errors
const npm = await new Promise<{ xaddrs: string; endpoint: string }[]>((resolve) =>
  Discovery.probe({ timeout: 1000, resolve: false }, (_err, cams) => resolve((cams ?? []).map((c) => ({ xaddrs: c.probeMatches.probeMatch.XAddrs, endpoint: c.probeMatches.probeMatch.endpointReference.address })))),
);
console.log(JSON.stringify({ vigil, npm, expected: [face.xaddr('cam1'), face.xaddr('cam2')] }));
junk.close();
await face.close();
