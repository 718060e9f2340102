// Events to MQTT against Debian's mosquitto: ONVIF-style topics and payloads, an event raised
// while the broker is down arrives once it is back, and a wrong password is said plainly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import mqtt, { type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { Writable } from 'node:stream';
import { startMosquitto, type TestMosquitto } from '../helpers/mosquitto.ts';
import { startTestVigil } from '../helpers/vigil-instance.ts';
import { MqttPublisher } from '../../src/integrations/index.ts';
import type { EventRow } from '../../src/store/index.ts';

const brokers: TestMosquitto[] = [];
after(async () => {
  for (const b of brokers) await b.stop();
});

interface Got {
  topic: string;
  body: Record<string, unknown>;
}

async function subscriber(url: string, topic: string, opts: mqtt.IClientOptions = {}): Promise<{ client: MqttClient; got: Got[]; waitFor(n: number, ms?: number): Promise<Got[]> }> {
  const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, ...opts });
  const got: Got[] = [];
  client.on('message', (t, payload) => got.push({ topic: t, body: JSON.parse(payload.toString()) as Record<string, unknown> }));
  await client.subscribeAsync(topic, { qos: 1 });
  return {
    client,
    got,
    async waitFor(n, ms = 15_000) {
      const deadline = Date.now() + ms;
      while (got.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return got;
    },
  };
}

function event(over: Partial<EventRow>): EventRow {
  return { id: `evt_${Math.random().toString(36).slice(2, 10)}`, ts: Date.UTC(2026, 11, 2, 9, 0, 0), cameraId: 'cam-a', kind: 'camera.offline', severity: 'warning', details: {}, ...over };
}

test('a Vigil with integrations.mqtt publishes its events under ONVIF Profile M style topics', async () => {
  const broker = await startMosquitto();
  brokers.push(broker);
  const sub = await subscriber(broker.url, 'city/event/#');
  const v = await startTestVigil({ integrations: { mqtt: { url: broker.url, topicPrefix: 'city' } } });
  try {
    for (let i = 0; i < 100 && !v.logs.some((l) => l.includes('connected to the MQTT broker')); i++) await new Promise((r) => setTimeout(r, 50));
    const off = await v.events.raise({ kind: 'camera.offline', severity: 'warning', cameraId: 'gate-3', details: { reason: 'timeout' } });
    const hit = await v.events.raise({ kind: 'analytics.line_crossing', severity: 'info', cameraId: 'gate-3', details: { rule: 'north-line', direction: 'in', class: 'car' } });
    const got = await sub.waitFor(2);
    assert.equal(got.length, 2, 'both events arrive');
    const byId = new Map(got.map((g) => [(g.body.Vigil as { id: string }).id, g]));
    const a = byId.get(off.id)!;
    assert.equal(a.topic, 'city/event/VideoSource/SignalLoss&/gate-3');
    assert.equal(a.body.Topic, 'tns1:VideoSource/SignalLoss');
    const msg = a.body.Message as { UtcTime: string; Source: Record<string, string>; Data: Record<string, unknown> };
    assert.equal(msg.Source.VideoSource, 'gate-3');
    assert.equal(msg.Data.State, true, 'SignalLoss State is true while the camera is offline');
    assert.equal(msg.UtcTime, new Date(off.ts).toISOString());
    const b = byId.get(hit.id)!;
    assert.equal(b.topic, 'city/event/RuleEngine/LineDetector/Crossed&/gate-3/north-line');
    assert.equal((b.body.Message as { Data: Record<string, unknown> }).Data.direction, 'in');
    // the metrics say so too
    assert.equal((await v.login('admin', 'admin-password-1')).status, 200);
    const metrics = await (await v.http('/api/metrics')).text();
    assert.match(metrics, /^vigil_mqtt_connected 1$/m);
    assert.match(metrics, /^vigil_mqtt_published_total 2$/m);
    const status = (await (await v.http('/api/integrations')).json()) as { mqtt: { connected: boolean; published: number } };
    assert.deepEqual({ connected: status.mqtt.connected, published: status.mqtt.published }, { connected: true, published: 2 });
  } finally {
    await v.stop();
    await sub.client.endAsync();
  }
});

test('an event raised while the broker is down arrives once it is back (QoS 1), exactly once', async () => {
  const broker = await startMosquitto();
  brokers.push(broker);
  // A persistent session: the broker keeps what is published for it while it reconnects.
  const sub = await subscriber(broker.url, 'vigil/event/#', { clean: false, clientId: 'watcher-1' });
  const pub = new MqttPublisher({ url: broker.url, topicPrefix: 'vigil', qos: 1, kinds: [] }, 'node-7', pino({ level: 'silent' }));
  try {
    for (let i = 0; i < 100 && !pub.connected; i++) await new Promise((r) => setTimeout(r, 50));
    await pub.offer(event({ kind: 'disk.full', cameraId: null }));
    assert.equal((await sub.waitFor(1)).length, 1);
    assert.equal(sub.got[0].topic, 'vigil/event/Device/HardwareFailure/StorageFailure');
    await broker.kill();
    const during = event({ kind: 'camera.offline', cameraId: 'cam-9' });
    const delivered = pub.offer(during); // resolves once the broker has it
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(pub.connected, false);
    await broker.start();
    await delivered;
    const got = await sub.waitFor(2);
    const ids = got.map((g) => (g.body.Vigil as { id: string }).id);
    assert.deepEqual(ids.filter((id) => id === during.id).length, 1, `the event raised during the outage arrives once (got ${ids.join(', ')})`);
    assert.equal(pub.stats.published, 2);
  } finally {
    await pub.close();
    await sub.client.endAsync();
  }
});

test('kinds select what is sent; a wrong password is logged plainly and retried, not fatal', async () => {
  const broker = await startMosquitto({ user: 'vigil', password: 'right-password' });
  brokers.push(broker);
  const sub = await subscriber(broker.url, 'v/event/#', { username: 'vigil', password: 'right-password' });
  const good = new MqttPublisher({ url: broker.url, topicPrefix: 'v', qos: 1, kinds: ['analytics.'], username: 'vigil', password: 'right-password' }, 'n1', pino({ level: 'silent' }));
  const lines: string[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) });
  const bad = new MqttPublisher({ url: broker.url, topicPrefix: 'v', qos: 0, kinds: [], username: 'vigil', password: 'wrong-password' }, 'n2', pino({ level: 'info' }, sink));
  try {
    for (let i = 0; i < 100 && !good.connected; i++) await new Promise((r) => setTimeout(r, 50));
    await good.offer(event({ kind: 'camera.online' })); // not selected
    await good.offer(event({ kind: 'analytics.crowd', details: { rule: 'square', count: 212 } }));
    const got = await sub.waitFor(1);
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(got.filter((g) => g.topic.startsWith('v/event/')).map((g) => g.topic), ['v/event/RuleEngine/CountAggregation/Counter&/cam-a/square']);
    for (let i = 0; i < 100 && !lines.some((l) => l.includes('MQTT broker refused or unreachable')); i++) await new Promise((r) => setTimeout(r, 50));
    const said = lines.find((l) => l.includes('MQTT broker refused or unreachable'));
    assert.ok(said, 'the refusal is logged');
    assert.ok(!lines.join('').includes('wrong-password'), 'the password is never logged');
    assert.equal(bad.connected, false);
  } finally {
    await bad.close();
    await good.close();
    await sub.client.endAsync();
  }
});
