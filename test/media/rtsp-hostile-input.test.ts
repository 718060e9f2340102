// Crashes the fuzzer found in the RTSP layer, replayed over a real socket / through the public API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { RtspServer } from '../../src/media/rtsp-server.ts';
import { RtspError } from '../../src/media/rtsp-errors.ts';
import { splitRtspUrl } from '../../src/media/index.ts';

test('a request URL with a malformed %-escape gets 404 and the server keeps serving (it used to throw URIError out of the socket handler)', async () => {
  const server = new RtspServer({ port: 0, udp: false });
  server.addPath('/cam1', { parameterSets: () => ({ sps: Buffer.from('6742c01e95a0500f5a0202', 'hex'), pps: Buffer.from('68ce3c80', 'hex') }), subscribe: () => () => {} });
  const port = await server.listen();
  const sock = net.connect({ host: '127.0.0.1', port });
  try {
    await new Promise<void>((r) => sock.once('connect', () => r()));
    let got = '';
    sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
    sock.write(`DESCRIBE rtsp://127.0.0.1:${port}/cam%E0%A4%A RTSP/1.0\r\nCSeq: 1\r\n\r\n`);
    sock.write(`DESCRIBE rtsp://127.0.0.1:${port}/cam1 RTSP/1.0\r\nCSeq: 2\r\n\r\n`);
    const deadline = Date.now() + 3000;
    while (!/CSeq: 2[\s\S]*\r\n\r\n[\s\S]*m=video/.test(got) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.match(got, /^RTSP\/1\.0 404 Not Found\r\nCSeq: 1/);
    assert.match(got, /RTSP\/1\.0 200 OK\r\nCSeq: 2/);
  } finally {
    sock.destroy();
    await server.close();
  }
});

test('camera URLs with malformed %-escapes in the credentials are an RtspError, not a URIError', () => {
  assert.throws(() => splitRtspUrl('rtsp://us%E0er:pw@127.0.0.1/x'), (e: unknown) => e instanceof RtspError && e.code === 'RTSP_PROTOCOL');
  assert.deepEqual(splitRtspUrl('rtsp://us%40er:p%3Aw@127.0.0.1:8554/x').username, 'us@er');
});
