import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RtspWireParser, RtspWireError, header, serializeRequest } from '../../src/media/rtsp-message.ts';
import { ClientAuthenticator, ServerAuthenticator, digestResponse, parseChallenges } from '../../src/media/rtsp-auth.ts';

test('parses responses, bodies and interleaved frames cut at any byte', () => {
  const body = 'v=0\r\nm=video 0 RTP/AVP 96\r\n';
  const stream = Buffer.concat([
    Buffer.from(`RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\nWWW-Authenticate: Basic realm="x"\r\nWWW-Authenticate: Digest realm="x", nonce="n1"\r\n\r\n`),
    Buffer.from(`RTSP/1.0 200 OK\r\nCSeq: 2\r\nContent-Length: ${body.length}\r\n\r\n${body}`),
    Buffer.from([0x24, 0, 0, 3, 1, 2, 3, 0x24, 1, 0, 0]),
    Buffer.from('GET_PARAMETER rtsp://h/x RTSP/1.0\r\nCSeq: 9\r\n\r\n'),
  ]);
  for (const step of [1, 2, 7, 1000]) {
    const p = new RtspWireParser();
    const items = [];
    for (let i = 0; i < stream.length; i += step) items.push(...p.feed(stream.subarray(i, i + step)));
    assert.equal(items.length, 5, `step ${step}`);
    const [a, b, c, d, e] = items;
    assert.ok(a.kind === 'response' && a.status === 401 && a.headers.get('www-authenticate')!.length === 2);
    assert.ok(b.kind === 'response' && b.body.toString() === body && header(b.headers, 'CSeq') === '2');
    assert.ok(c.kind === 'interleaved' && c.channel === 0 && c.payload.equals(Buffer.from([1, 2, 3])));
    assert.ok(d.kind === 'interleaved' && d.channel === 1 && d.payload.length === 0);
    assert.ok(e.kind === 'request' && e.method === 'GET_PARAMETER');
    assert.equal(p.pending, 0);
  }
});

test('a truncated interleaved frame waits; garbage is an error', () => {
  const p = new RtspWireParser();
  assert.deepEqual(p.feed(Buffer.from([0x24, 0, 0x10, 0x00, 1, 2])), []);
  assert.equal(p.pending, 6);
  assert.throws(() => new RtspWireParser().feed(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')), RtspWireError);
  assert.throws(() => new RtspWireParser().feed(Buffer.from([0x00, 0xff, 0x13, 0x37, 0x42, 0x42])), RtspWireError);
  assert.throws(() => new RtspWireParser().feed(Buffer.from('RTSP/1.0 200 OK\r\nContent-Length: -5\r\n\r\n')), RtspWireError);
  assert.throws(() => new RtspWireParser().feed(Buffer.from('RTSP/1.0 200 OK\r\nno colon here\r\n\r\n')), RtspWireError);
  assert.match(serializeRequest('OPTIONS', 'rtsp://h/', { CSeq: 1 }).toString(), /^OPTIONS rtsp:\/\/h\/ RTSP\/1\.0\r\nCSeq: 1\r\n\r\n$/);
});

test('Digest response matches the RFC 2617 worked example', () => {
  const r = digestResponse({
    username: 'Mufasa', password: 'Circle Of Life', realm: 'testrealm@host.com',
    nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093', method: 'GET', uri: '/dir/index.html',
    qop: 'auth', nc: '00000001', cnonce: '0a4f113b',
  });
  assert.equal(r, '6629fae49393a05397450978507c4ef1');
});

test('challenges: several per header, Digest preferred over Basic', () => {
  const ch = parseChallenges(['Basic realm="a, b", Digest realm="cam", nonce="abc", qop="auth,auth-int"', 'Digest realm="y", nonce="z", algorithm=SHA-256']);
  assert.deepEqual(ch.map((c) => c.scheme), ['basic', 'digest', 'digest']);
  assert.equal(ch[0].params.realm, 'a, b');
  assert.equal(ch[1].params.qop, 'auth,auth-int');
  assert.equal(ClientAuthenticator.from(ch, { username: 'u', password: 'p' })!.scheme, 'digest');
  assert.equal(ClientAuthenticator.from(parseChallenges(['Basic realm="x"']), { username: 'u', password: 'p' })!.scheme, 'basic');
  assert.equal(ClientAuthenticator.from(parseChallenges(['Bearer x']), { username: 'u', password: 'p' }), undefined);
});

test('our server verifies our client, with and without qop, and rejects the wrong password', () => {
  for (const digestQop of [true, false]) {
    const server = new ServerAuthenticator({ scheme: 'digest', username: 'admin', password: 's3cret', digestQop });
    const challenge = parseChallenges([server.challenge()]);
    assert.equal(challenge[0].params.qop, digestQop ? 'auth' : undefined);
    const good = ClientAuthenticator.from(challenge, { username: 'admin', password: 's3cret' })!;
    const a1 = good.authorization('DESCRIBE', 'rtsp://h/cam1');
    assert.equal(server.verify(a1, 'DESCRIBE'), 'ok');
    assert.equal(/nc=00000001/.test(a1), digestQop);
    assert.equal(server.verify(good.authorization('SETUP', 'rtsp://h/cam1/trackID=0'), 'SETUP'), 'ok');
    assert.equal(server.verify(a1, 'PLAY'), 'denied', 'response is bound to the method');
    const bad = ClientAuthenticator.from(challenge, { username: 'admin', password: 'nope' })!;
    assert.equal(server.verify(bad.authorization('DESCRIBE', 'rtsp://h/cam1'), 'DESCRIBE'), 'denied');
    const forged = a1.replace(/nonce="[^"]+"/, 'nonce="123.abcdef"');
    assert.equal(server.verify(forged, 'DESCRIBE'), 'denied', 'nonces we did not issue');
  }
  const basic = new ServerAuthenticator({ scheme: 'basic', username: 'admin', password: 's3cret' });
  const ok = ClientAuthenticator.from(parseChallenges([basic.challenge()]), { username: 'admin', password: 's3cret' })!;
  assert.equal(basic.verify(ok.authorization('OPTIONS', '*'), 'OPTIONS'), 'ok');
  assert.equal(basic.verify('Basic ' + Buffer.from('admin:x').toString('base64'), 'OPTIONS'), 'denied');
  assert.equal(basic.verify(undefined, 'OPTIONS'), 'denied');
});
