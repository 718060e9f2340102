// An ONVIF device that answers garbage, never answers, answers half, or is not there: each is a
// clear OnvifError (code and message naming the device and what was wrong), within the time limit.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createTcp, type Server as TcpServer, type Socket } from 'node:net';
import { OnvifClient, OnvifError, envelope } from '../../src/onvif/index.ts';
import { freePort } from '../helpers/nats.ts';

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of closers) await c();
});

async function http(answer: (body: string) => { status: number; body: string | Buffer; type?: string }): Promise<string> {
  const s: Server = createHttp((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const a = answer(body);
      res.writeHead(a.status, { 'content-type': a.type ?? 'application/soap+xml' }).end(a.body);
    });
  });
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => (s.closeAllConnections(), s.close(() => r()))));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}/onvif/device_service`;
}

async function silent(): Promise<string> {
  const sockets: Socket[] = [];
  const s: TcpServer = createTcp((sock) => void sockets.push(sock)); // accepts, never answers
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise((r) => (sockets.forEach((x) => x.destroy()), s.close(() => r()))));
  return `http://127.0.0.1:${(s.address() as { port: number }).port}/onvif/device_service`;
}

function isOnvif(code: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof OnvifError, `an OnvifError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.match(e.message, pattern);
    return true;
  };
}

test('a device that never answers: ONVIF_TIMEOUT within the time limit', async () => {
  const c = new OnvifClient({ xaddr: await silent(), username: 'u', password: 'p', timeoutMs: 500 });
  const t0 = Date.now();
  await assert.rejects(c.describe(), isOnvif('ONVIF_TIMEOUT', /did not answer GetSystemDateAndTime within 500 ms/));
  assert.ok(Date.now() - t0 < 2000, `gave up in ${Date.now() - t0} ms`);
});

test('garbage, HTML, a half envelope, a wrong answer, an answer too large: ONVIF_BAD_RESPONSE', async () => {
  const cases: [string, () => { status: number; body: string | Buffer; type?: string }, RegExp][] = [
    ['binary garbage', () => ({ status: 200, body: Buffer.from([0xff, 0x00, 0x13, 0x37, 0x42]) }), /not XML/],
    ['an HTML login page', () => ({ status: 200, body: '<html><body><h1>Login</h1><p>admin</body></html>', type: 'text/html' }), /not XML|not a SOAP envelope/],
    ['truncated XML', () => ({ status: 200, body: '<?xml version="1.0"?><s:Envelope xmlns:s="x"><s:Body><tds:GetSystemDateAndTimeRes' }), /not XML/],
    ['XML, not SOAP', () => ({ status: 200, body: '<config><camera/></config>' }), /not a SOAP envelope/],
    ['a SOAP answer to another question', () => ({ status: 200, body: envelope('<tds:GetHostnameResponse/>') }), /expected GetSystemDateAndTimeResponse, got GetHostnameResponse/],
    ['an answer of 2 MB', () => ({ status: 200, body: '<a>' + 'x'.repeat(2 << 20) + '</a>' }), /larger than/],
  ];
  for (const [what, answer, pattern] of cases) {
    const c = new OnvifClient({ xaddr: await http(answer), username: 'u', password: 'p', timeoutMs: 2000 });
    await assert.rejects(c.getDeviceInformation(), isOnvif('ONVIF_BAD_RESPONSE', pattern), what);
  }
});

test('a device that is not there: ONVIF_UNREACHABLE; a device that asks for HTTP auth: ONVIF_AUTH; a bad address: ONVIF_BAD_INPUT', async () => {
  const port = await freePort();
  await assert.rejects(new OnvifClient({ xaddr: `http://127.0.0.1:${port}/onvif/device_service` }).getDeviceInformation(), isOnvif('ONVIF_UNREACHABLE', /cannot reach 127\.0\.0\.1:\d+: ECONNREFUSED/));
  const digest = await http(() => ({ status: 401, body: 'Unauthorized', type: 'text/plain' }));
  await assert.rejects(new OnvifClient({ xaddr: digest, username: 'u', password: 'p' }).getDeviceInformation(), isOnvif('ONVIF_AUTH', /HTTP authentication/));
  assert.throws(() => new OnvifClient({ xaddr: 'ftp://10.0.0.1/onvif' }), isOnvif('ONVIF_BAD_INPUT', /http\(s\)/));
  assert.throws(() => new OnvifClient({ xaddr: 'not a url' }), isOnvif('ONVIF_BAD_INPUT', /not a URL/));
});

test('a device whose GetServices points somewhere odd, or offers no media: named, not followed', async () => {
  const time = envelope('<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:UTCDateTime><tt:Time><tt:Hour>1</tt:Hour><tt:Minute>2</tt:Minute><tt:Second>3</tt:Second></tt:Time><tt:Date><tt:Year>2026</tt:Year><tt:Month>12</tt:Month><tt:Day>2</tt:Day></tt:Date></tt:UTCDateTime></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>');
  const services = (xaddr: string) => envelope(`<tds:GetServicesResponse><tds:Service><tds:Namespace>http://www.onvif.org/ver10/media/wsdl</tds:Namespace><tds:XAddr>${xaddr}</tds:XAddr></tds:Service></tds:GetServicesResponse>`);
  const noMedia = await http((b) => ({ status: 200, body: b.includes('GetSystemDateAndTime') ? time : envelope('<tds:GetServicesResponse/>') }));
  await assert.rejects(new OnvifClient({ xaddr: noMedia, username: 'u', password: 'p' }).getProfiles(), isOnvif('ONVIF_BAD_RESPONSE', /no media service/));
  const fileUrl = await http((b) => ({ status: 200, body: b.includes('GetSystemDateAndTime') ? time : services('file:///etc/passwd') }));
  await assert.rejects(new OnvifClient({ xaddr: fileUrl, username: 'u', password: 'p' }).getProfiles(), isOnvif('ONVIF_BAD_INPUT', /media XAddr: expected an http\(s\) address/));
  const noRtsp = await http((b) => ({
    status: 200,
    body: b.includes('GetSystemDateAndTime') ? time : b.includes('GetServices') ? services(noRtsp) : envelope('<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>javascript:alert(1)</tt:Uri></trt:MediaUri></trt:GetStreamUriResponse>'),
  }));
  await assert.rejects(new OnvifClient({ xaddr: noRtsp, username: 'u', password: 'p' }).getStreamUri('main'), isOnvif('ONVIF_BAD_RESPONSE', /no RTSP address/));
});
