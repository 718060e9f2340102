// Prometheus metrics of this process (GET /api/metrics) (issue 15): the cameras it records and their health, its
// recordings volume, and its place in the cluster. Text exposition format 0.0.4. Camera ids
// only, never names or URLs. Scraped with `Authorization: Bearer <server.metricsToken>`, or by
// a signed-in user allowed to read storage.
import { statfs } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import type { ApiDeps, Guard } from './types.ts';

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** Renders metric families: name, help, type, and samples with labels. */
export function renderMetrics(families: { name: string; help: string; type: 'gauge' | 'counter'; samples: { labels?: Record<string, string>; value: number }[] }[]): string {
  const out: string[] = [];
  for (const f of families) {
    out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) {
      const labels = s.labels ? `{${Object.entries(s.labels).map(([k, v]) => `${k}="${esc(v)}"`).join(',')}}` : '';
      out.push(`${f.name}${labels} ${Number.isFinite(s.value) ? s.value : 'NaN'}`);
    }
  }
  return out.join('\n') + '\n';
}

export function registerMetricsRoute(app: FastifyInstance, deps: ApiDeps, guard: Guard, metricsToken: string | undefined): void {
  app.get('/api/metrics', { schema: { tags: ['system'], summary: 'Prometheus metrics of this process (bearer server.metricsToken, or a session that may read storage)' } }, async (req, reply) => {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!(metricsToken && bearer === metricsToken)) guard(req, 'storage.read', { type: 'cameras' });
    const now = Date.now();
    // This process's cameras only (in a cluster the runtime also knows the others' from their
    // health reports, and each node's /metrics is scraped on its own).
    const cluster = deps.cluster;
    const running = (await deps.store.listCameras()).filter((c) => !cluster || cluster.holds(c.id))
      .map((c) => ({ id: c.id, s: deps.runtime.status(c.id) })).filter((c) => c.s.state !== 'disabled');
    const byState = new Map<string, number>([['online', 0], ['connecting', 0], ['offline', 0]]);
    for (const c of running) byState.set(c.s.state, (byState.get(c.s.state) ?? 0) + 1);
    const families: Parameters<typeof renderMetrics>[0] = [
      { name: 'vigil_cameras', help: 'Cameras this process records, by state.', type: 'gauge', samples: [...byState].map(([state, value]) => ({ labels: { state }, value })) },
      { name: 'vigil_camera_fps', help: 'Frames per second received from the camera.', type: 'gauge', samples: running.map((c) => ({ labels: { camera: c.id }, value: c.s.fps ?? 0 })) },
      { name: 'vigil_camera_bitrate_kbps', help: 'Bit rate received from the camera.', type: 'gauge', samples: running.map((c) => ({ labels: { camera: c.id }, value: c.s.bitrateKbps ?? 0 })) },
      { name: 'vigil_camera_lost_frames_total', help: 'Pictures the camera sent that could not be recorded (damaged by lost packets, or skipped until the next keyframe) since this process started.', type: 'counter', samples: running.map((c) => ({ labels: { camera: c.id }, value: c.s.lostFrames ?? 0 })) },
      { name: 'vigil_camera_reconnects_total', help: 'Reconnections to the camera since this process started.', type: 'counter', samples: running.map((c) => ({ labels: { camera: c.id }, value: c.s.reconnects })) },
      { name: 'vigil_camera_frame_age_seconds', help: 'Seconds since the last frame (a stalled camera grows).', type: 'gauge', samples: running.filter((c) => c.s.lastFrameAt !== null).map((c) => ({ labels: { camera: c.id }, value: (now - c.s.lastFrameAt!) / 1000 })) },
    ];
    if (deps.recordingsDir) {
      const v = await statfs(deps.recordingsDir).catch(() => null);
      if (v) {
        families.push(
          { name: 'vigil_disk_total_bytes', help: 'Size of the recordings volume.', type: 'gauge', samples: [{ value: v.blocks * v.bsize }] },
          { name: 'vigil_disk_free_bytes', help: 'Free space on the recordings volume.', type: 'gauge', samples: [{ value: v.bavail * v.bsize }] },
        );
      }
    }
    if (deps.cluster) {
      const self = deps.cluster.nodes().find((n) => n.id === deps.cluster!.nodeId);
      families.push(
        { name: 'vigil_cluster_cameras_held', help: 'Camera leases this node holds.', type: 'gauge', samples: [{ labels: { node: deps.cluster.nodeId }, value: self?.held ?? 0 }] },
        { name: 'vigil_cluster_capacity', help: 'Most cameras this node takes.', type: 'gauge', samples: [{ labels: { node: deps.cluster.nodeId }, value: self?.capacity ?? 0 }] },
        { name: 'vigil_cluster_cameras_waiting', help: 'Free cameras this node could not take because it is full.', type: 'gauge', samples: [{ labels: { node: deps.cluster.nodeId }, value: self?.overCapacity ?? 0 }] },
        { name: 'vigil_cluster_nodes_alive', help: 'Nodes heard from within the lease TTL.', type: 'gauge', samples: [{ value: deps.cluster.nodes().filter((n) => n.alive).length }] },
      );
    }
    const w = deps.integrations?.webhooks;
    if (w) {
      families.push(
        { name: 'vigil_webhook_deliveries_total', help: 'Webhook deliveries by outcome (delivered, retried attempt, dead-lettered).', type: 'counter', samples: [{ labels: { outcome: 'delivered' }, value: w.stats.delivered }, { labels: { outcome: 'retried' }, value: w.stats.retried }, { labels: { outcome: 'dead_lettered' }, value: w.stats.deadLettered }] },
        { name: 'vigil_webhook_backlog', help: 'Webhook deliveries waiting or in flight.', type: 'gauge', samples: [{ value: w.backlog }] },
      );
    }
    const m = deps.integrations?.mqtt;
    if (m) {
      families.push(
        { name: 'vigil_mqtt_connected', help: '1 while connected to the MQTT broker.', type: 'gauge', samples: [{ value: m.connected ? 1 : 0 }] },
        { name: 'vigil_mqtt_published_total', help: 'Events the MQTT broker accepted.', type: 'counter', samples: [{ value: m.stats.published }] },
      );
    }
    reply.type('text/plain; version=0.0.4').header('cache-control', 'no-store');
    return renderMetrics(families);
  });
}
