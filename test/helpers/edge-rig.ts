// An edge site cut from the centre with real network namespaces: the edge's process runs in its
// own namespace joined to this one through a bridge in a third; NATS listens only on this end's
// veth address; cutting the link takes the bridge's ports down (makeEdgeLink says why). Used by the edge-cut test and `npm run bench:edge-cut`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface EdgeLink {
  ns: string;
  centreIp: string;
  edgeIp: string;
  cut(): void;
  restore(): void;
  /** Runs a command inside the edge namespace. */
  spawnEdge(args: string[], env: NodeJS.ProcessEnv): ChildProcess;
  remove(): void;
}

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: 'pipe' });
}

/**
 * The edge's namespace joined to this one through a third, the "wire": a bridge between two veth
 * pairs. Cutting the link takes the wire's two ports down, so each end only loses its carrier:
 * its address and routes stay and whatever it sends is dropped without a word, as behind a cut
 * cable or a dead radio link (taking an end itself down would remove its routes and turn the
 * cut into instant local errors). A blackhole route under the connected one keeps the centre's
 * packets for the edge on this machine whatever happens to that route (never off through the
 * default gateway). Fails with what to do when namespaces cannot be made here (not root, no iproute2).
 */
export function makeEdgeLink(): EdgeLink {
  if (process.getuid?.() !== 0) throw new Error('the edge-cut test makes network namespaces: run it as root (ip netns add needs CAP_SYS_ADMIN)');
  const tag = randomBytes(3).toString('hex');
  const ns = `vge${tag}`;
  const wire = `vgw${tag}`;
  const hostIf = `vgc${tag}`;
  const edgeIf = `vgx${tag}`;
  const octet = 1 + (parseInt(tag.slice(0, 2), 16) % 250);
  const centreIp = `10.77.${octet}.1`;
  const edgeIp = `10.77.${octet}.2`;
  const blackhole = ['blackhole', `10.77.${octet}.0/30`, 'metric', '4242'];
  const inWire = (...args: string[]) => ip('netns', 'exec', wire, 'ip', ...args);
  const cleanup = () => {
    for (const args of [['link', 'del', hostIf], ['route', 'del', ...blackhole], ['netns', 'del', ns], ['netns', 'del', wire]]) {
      try {
        ip(...args);
      } catch {}
    }
  };
  try {
    ip('netns', 'add', ns);
    ip('netns', 'add', wire);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', 'wc');
    ip('link', 'set', 'wc', 'netns', wire);
    ip('link', 'add', edgeIf, 'type', 'veth', 'peer', 'name', 'wx');
    ip('link', 'set', 'wx', 'netns', wire);
    ip('link', 'set', edgeIf, 'netns', ns);
    inWire('link', 'add', 'br0', 'type', 'bridge');
    inWire('link', 'set', 'wc', 'master', 'br0');
    inWire('link', 'set', 'wx', 'master', 'br0');
    for (const dev of ['br0', 'wc', 'wx', 'lo']) inWire('link', 'set', dev, 'up');
    ip('addr', 'add', `${centreIp}/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    ip('route', 'add', ...blackhole);
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${edgeIp}/30`, 'dev', edgeIf);
    ip('netns', 'exec', ns, 'ip', 'link', 'set', edgeIf, 'up');
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  } catch (err) {
    cleanup();
    throw new Error(`could not make the edge network namespace (needs root and iproute2: apt-get install iproute2): ${(err as { stderr?: Buffer }).stderr?.toString() ?? err}`);
  }
  return {
    ns,
    centreIp,
    edgeIp,
    cut: () => {
      inWire('link', 'set', 'wc', 'down');
      inWire('link', 'set', 'wx', 'down');
    },
    restore: () => {
      inWire('link', 'set', 'wc', 'up');
      inWire('link', 'set', 'wx', 'up');
    },
    spawnEdge: (args, env) => spawn('ip', ['netns', 'exec', ns, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] }),
    remove: cleanup,
  };
}

export interface EdgeChild {
  proc: ChildProcess;
  last: Record<string, number>;
  done: Promise<Record<string, number>>;
  connected: Promise<void>;
}

export function startEdgeChild(link: EdgeLink, natsUrl: string, nodeId: string, everyMs: number): EdgeChild & { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'vigil-edge-'));
  const proc = link.spawnEdge([process.execPath, path.join(ROOT, 'test/cluster/edge-child.ts')], { ...process.env, NATS_URL: natsUrl, OUTBOX_DIR: dir, NODE_ID: nodeId, EVERY_MS: String(everyMs) });
  const c = { proc, last: {} as Record<string, number>, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) } as EdgeChild & { dir: string; cleanup(): void };
  let onConnected!: () => void;
  c.connected = new Promise((r) => (onConnected = r));
  c.done = new Promise((resolve, reject) => {
    createInterface({ input: proc.stdout! }).on('line', (l) => {
      const o = JSON.parse(l) as Record<string, number> & { ev: string };
      if (o.ev === 'status') c.last = o;
      if (o.ev === 'connected') onConnected();
      if (o.ev === 'done') resolve(o);
    });
    proc.once('exit', (code) => reject(new Error(`edge child exited (${code}) before it was done`)));
  });
  c.done.catch(() => undefined);
  return c;
}
