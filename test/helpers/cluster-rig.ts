// A whole cluster on this machine: PostgreSQL, NATS JetStream, simulated cameras, one `vigil api`
// and N `vigil node` processes (each its own data folder, as on separate machines). Used by the
// cluster test and `npm run bench:failover`.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { startPostgres, type TestPostgres } from './postgres.ts';
import { startNats, freePort, type TestNats } from './nats.ts';
import { startSimulator, type Simulator } from '../../src/simulator/index.ts';
import { openStore, type Store } from '../../src/store/index.ts';
import { ClusterView } from '../../src/cluster/index.ts';
import { TEST_SIM_CACHE } from './recording-rig.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const ADMIN_PASSWORD = 'cluster-admin-pw-1';

export interface VigilProc {
  id: string;
  role: 'node' | 'api';
  proc: ChildProcess;
  url: string;
  dataDir: string;
  logFile: string;
  exited: Promise<number | null>;
}

export interface ClusterRig {
  dir: string;
  pg: TestPostgres;
  nats: TestNats;
  sim: Simulator;
  store: Store;
  view: ClusterView & { close(): Promise<void> };
  cameras: string[];
  procs: Map<string, VigilProc>;
  startNode(id: string, opts?: NodeOptions): Promise<VigilProc>;
  startApi(id?: string): Promise<VigilProc>;
  kill(id: string): Promise<void>;
  /** Pairs of segments of one camera, from two nodes, that overlap in time. */
  doubleRecorded(): Promise<number>;
  /** Latest segment start per camera and node, from the index. */
  latestSegments(): Promise<{ cameraId: string; nodeId: string; startMs: number }[]>;
  stop(): Promise<void>;
}

export interface NodeOptions {
  capacity?: number;
  natsUrl?: string;
  /** Run the node inside this network namespace (an edge site), reaching the centre at centreIp. */
  netns?: { ns: string; centreIp: string; edgeIp: string };
  /** cluster.edgeCameras */
  edgeCameras?: string[];
}

export interface RigOptions {
  /** Put PostgreSQL (also) and NATS on this address: an edge namespace reaches the centre there. */
  centreIp?: string;
  /** More cameras the api creates (e.g. an edge site's, served inside its namespace). */
  extraCameras?: { id: string; name: string; url: string }[];
  cameras: number;
  ttlSeconds?: number;
  segmentSeconds?: number;
  capacity?: number;
}

export async function startClusterRig(o: RigOptions): Promise<ClusterRig> {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-cluster-'));
  const [pg, nats] = await Promise.all([startPostgres({ alsoListen: o.centreIp }), startNats({ host: o.centreIp })]);
  const sim = await startSimulator({ cameras: o.cameras, port: 0, clips: ['testsrc2'], udp: false, cacheDir: TEST_SIM_CACHE });
  const keyFile = path.join(dir, 'secret.key');
  writeFileSync(keyFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  const store = await openStore({ kind: 'postgres', url: pg.url });
  const cameras = sim.urls.map((_, i) => `cam${i + 1}`);
  const procs = new Map<string, VigilProc>();
  const ttl = o.ttlSeconds ?? 10;

  const launch = async (id: string, role: 'node' | 'api', capacity: number, natsUrl: string, no: NodeOptions = {}): Promise<VigilProc> => {
    const dataDir = path.join(dir, id);
    mkdirSync(dataDir, { recursive: true });
    const port = await freePort();
    const edge = no.netns;
    const cfg = {
      dataDir,
      server: edge ? { port, host: '0.0.0.0' } : { port },
      database: { kind: 'postgres', url: edge ? pg.url.replace('127.0.0.1', edge.centreIp) : pg.url },
      recording: { segmentSeconds: o.segmentSeconds ?? 2 },
      log: { level: 'info' },
      cluster: {
        nodeId: id, natsUrl, capacity, leaseTtlSeconds: ttl, secretKeyFile: keyFile,
        ...(edge ? { advertiseUrl: `http://${edge.edgeIp}:${port}`, edgeCameras: no.edgeCameras ?? [] } : {}),
      },
      // The api creates the cameras (only when absent); nodes read them from PostgreSQL.
      cameras: role === 'api' ? [...sim.urls.map((url, i) => ({ id: cameras[i], name: `Camera ${i + 1}`, url })), ...(o.extraCameras ?? [])] : [],
    };
    const cfgFile = path.join(dir, `${id}.json`);
    writeFileSync(cfgFile, JSON.stringify(cfg));
    const logFile = path.join(dir, `${id}.log`);
    const log = createWriteStream(logFile);
    const argv = [process.execPath, path.join(ROOT, 'src/cli/main.ts'), role, '--config', cfgFile];
    const proc = spawn(edge ? 'ip' : argv[0], edge ? ['netns', 'exec', edge.ns, ...argv] : argv.slice(1), {
      cwd: ROOT,
      env: { ...process.env, VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stderr!.pipe(log);
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        log.write(d);
        const m = /Vigil is running at (\S+?)\/?\s/.exec(out);
        if (m) resolve(m[1]);
      });
      void exited.then((code) => reject(new Error(`${role} ${id} exited (${code}) before serving; log: ${logFile}\n${out}`)));
      setTimeout(() => reject(new Error(`${role} ${id} did not start within 60 s; log: ${logFile}`)), 60_000).unref();
    });
    const p: VigilProc = { id, role, proc, url, dataDir, logFile, exited };
    procs.set(id, p);
    return p;
  };

  const view = await ClusterView.open({ natsUrl: nats.url, ttlMs: ttl * 1000, logger: pino({ level: 'silent' }) });
  const rig: ClusterRig = {
    dir,
    pg,
    nats,
    sim,
    store,
    view,
    cameras,
    procs,
    startNode: (id, so = {}) => launch(id, 'node', so.capacity ?? o.capacity ?? 500, so.natsUrl ?? nats.url, so),
    startApi: (id = 'api') => launch(id, 'api', 0, nats.url),
    async kill(id) {
      const p = procs.get(id)!;
      p.proc.kill('SIGKILL');
      await p.exited;
    },
    async doubleRecorded() {
      const c = new (await import('pg')).default.Client({ connectionString: pg.url });
      await c.connect();
      try {
        const r = await c.query(`SELECT count(*)::int AS n FROM segments a JOIN segments b
          ON a.camera_id = b.camera_id AND a.node_id < b.node_id AND a.start_ms < b.end_ms AND b.start_ms < a.end_ms`);
        return Number(r.rows[0].n);
      } finally {
        await c.end();
      }
    },
    async latestSegments() {
      const c = new (await import('pg')).default.Client({ connectionString: pg.url });
      await c.connect();
      try {
        const r = await c.query('SELECT camera_id, node_id, max(start_ms)::bigint AS s FROM segments WHERE node_id IS NOT NULL GROUP BY camera_id, node_id');
        return r.rows.map((x) => ({ cameraId: String(x.camera_id), nodeId: String(x.node_id), startMs: Number(x.s) }));
      } finally {
        await c.end();
      }
    },
    async stop() {
      for (const p of procs.values()) {
        if (p.proc.exitCode === null && p.proc.signalCode === null) {
          p.proc.kill('SIGTERM');
          const t = setTimeout(() => p.proc.kill('SIGKILL'), 10_000);
          await p.exited;
          clearTimeout(t);
        }
      }
      await view.close();
      await store.close();
      await sim.close();
      await Promise.all([pg.stop(), nats.stop()]);
      if (!process.env.KEEP_CLUSTER_RIG) rmSync(dir, { recursive: true, force: true });
    },
  };
  return rig;
}

export async function until(what: string, ok: () => boolean | Promise<boolean>, ms: number, stepMs = 200): Promise<number> {
  const t0 = performance.now();
  while (!(await ok())) {
    if (performance.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return performance.now() - t0;
}
