// Starts Debian's GStreamer RTSP server (test/helpers/gst-rtsp-server.py) on a private port.
// A missing piece fails with the apt-get command that installs it: tests never skip silently.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './daemon.ts';

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gst-rtsp-server.py');
const PYTHON = '/usr/bin/python3';
const APT = 'sudo apt-get install -y python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly';
const NEEDED = [
  PYTHON,
  '/usr/lib/python3/dist-packages/gi/__init__.py',
  '/usr/lib/x86_64-linux-gnu/girepository-1.0/GstRtspServer-1.0.typelib',
  '/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstx264.so',
  '/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstrtp.so',
  '/usr/lib/x86_64-linux-gnu/gstreamer-1.0/libgstvideotestsrc.so',
];

export interface GstRtspServerOptions {
  port?: number;
  path?: string;
  auth?: { scheme: 'basic' | 'digest'; username: string; password: string };
  audio?: boolean;
}

export interface GstRtspServerHandle {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export async function startGstRtspServer(opts: GstRtspServerOptions = {}): Promise<GstRtspServerHandle> {
  const missing = NEEDED.filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`GStreamer RTSP server not available (missing ${missing.join(', ')}); install with: ${APT}`);
  const port = opts.port ?? (await freePort());
  const p = opts.path ?? '/test';
  const args = [SCRIPT, '--port', String(port), '--path', p];
  if (opts.auth) args.push('--auth', opts.auth.scheme, '--user', opts.auth.username, '--password', opts.auth.password);
  if (opts.audio) args.push('--audio');
  const child = spawn(PYTHON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    if (stderr.length < 8000) stderr += d.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(t);
    }
  };
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`GStreamer RTSP server did not start within 10 s: ${stderr.slice(0, 2000)}`)), 10_000);
    const fail = (e: Error) => {
      clearTimeout(timer);
      void stop();
      reject(e);
    };
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/READY \d+/.test(out)) {
        clearTimeout(timer);
        resolve();
      } else if (out.includes('FAILED')) fail(new Error(out.trim()));
    });
    child.once('exit', (code) => {
      const hint = /Namespace|typelib|No module named 'gi'/.test(stderr) ? `; install with: ${APT}` : '';
      fail(new Error(`GStreamer RTSP server exited with ${code}: ${stderr.slice(0, 2000)}${hint}`));
    });
    child.once('error', (e) => fail(new Error(`cannot run ${PYTHON}: ${e.message}; install with: ${APT}`)));
  });
  return { url: `rtsp://127.0.0.1:${port}${p}`, port, stop };
}
