// WS-Discovery of the simulator's cameras on UDP multicast 239.255.255.250:3702, in a network
// namespace this test makes (multicast on its loopback only, so no probe leaves the machine):
// Vigil's discoverOnvif and the npm onvif client both find every camera, and a device answering
// garbage is counted, not fatal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

test('discovery finds both simulated cameras with Vigil\'s client and with the npm onvif client', async () => {
  if (process.getuid?.() !== 0) throw new Error('the discovery test makes a network namespace: run it as root (ip netns add needs CAP_SYS_ADMIN)');
  const ns = `vgo${randomBytes(3).toString('hex')}`;
  const ip = (...a: string[]) => execFileSync('ip', a, { stdio: 'pipe' });
  ip('netns', 'add', ns);
  try {
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'multicast', 'on');
    ip('netns', 'exec', ns, 'ip', 'route', 'add', '224.0.0.0/4', 'dev', 'lo');
    const child = spawn('ip', ['netns', 'exec', ns, process.execPath, path.join(ROOT, 'test/onvif/discovery-child.ts')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.on('close', r));
    assert.equal(code, 0, err);
    const r = JSON.parse(out.trim().split('\n').at(-1)!) as {
      vigil: { devices: { endpoint: string; xaddrs: string[]; name: string | null; hardware: string | null; types: string[] }[]; unreadable: number };
      npm: { xaddrs: string; endpoint: string }[];
      expected: string[];
    };
    assert.deepEqual(r.vigil.devices.map((d) => d.xaddrs[0]).sort(), r.expected.sort(), 'Vigil finds both cameras');
    assert.deepEqual(r.vigil.devices.map((d) => d.name).sort(), ['cam1', 'cam2']);
    assert.ok(r.vigil.devices.every((d) => d.hardware === 'VigilSim' && d.types.includes('dn:NetworkVideoTransmitter') && /^urn:uuid:/.test(d.endpoint)));
    assert.equal(new Set(r.vigil.devices.map((d) => d.endpoint)).size, 2, 'each camera its own endpoint, reported once though it answered two probes');
    assert.ok(r.vigil.unreadable >= 1, 'the garbage answers were seen and skipped');
    assert.deepEqual(r.npm.map((d) => d.xaddrs).sort(), r.expected.sort(), 'the npm onvif client finds both too');
  } finally {
    ip('netns', 'del', ns);
  }
});
