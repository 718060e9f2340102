// `vigil simulate`: parse flags, start the simulator, print the URLs, run until SIGINT/SIGTERM.
import { startSimulator, type SimulatorOptions } from './simulator.ts';
import { SimulatorError } from './simulator-errors.ts';

export const SIMULATOR_USAGE = `usage: vigil simulate [--cameras N] [--port P] [--host H] [--cache-dir DIR] [--clips a,b|real]
                      [--auth basic|digest --user U --password P] [--no-udp] [--codec h264|h265]
                      [--stamp-time]   (send time of each picture in an SEI, for latency benchmarks)
                      [--sub-fps N]    (each camera also serves a sub-stream at N fps under /camN/sub)
                      [--onvif-port P --onvif-user U --onvif-password W]  (an ONVIF face: each camera an ONVIF
                                        device at http://host:P/onvif/camN/device_service; WS-Discovery on UDP 3702)`;

export function parseSimulatorArgs(argv: string[]): SimulatorOptions {
  const opts: SimulatorOptions = { cameras: 4, port: 8554, host: '127.0.0.1' };
  let scheme: 'basic' | 'digest' | undefined;
  let user: string | undefined;
  let password: string | undefined;
  let onvifPort: number | undefined;
  let onvifUser: string | undefined;
  let onvifPassword: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const eq = flag.indexOf('=');
    const name = eq > 0 ? flag.slice(0, eq) : flag;
    const value = (): string => {
      const v = eq > 0 ? flag.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new SimulatorError('SIM_USAGE', `${name} needs a value\n${SIMULATOR_USAGE}`);
      return v;
    };
    const int = (min: number, max: number): number => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) throw new SimulatorError('SIM_USAGE', `${name} must be an integer in ${min}..${max}, got ${v}`);
      return n;
    };
    switch (name) {
      case '--cameras': opts.cameras = int(1, 100_000); break;
      case '--port': opts.port = int(0, 65535); break;
      case '--host': opts.host = value(); break;
      case '--cache-dir': opts.cacheDir = value(); break;
      case '--clips': opts.clips = value().split(',').filter(Boolean); break;
      case '--no-udp': opts.udp = false; break;
      case '--stamp-time': opts.stampTime = true; break;
      case '--sub-fps': opts.subFps = int(1, 25); break;
      case '--codec': {
        const v = value();
        if (v !== 'h264' && v !== 'h265') throw new SimulatorError('SIM_USAGE', `--codec must be h264 or h265, got ${v}`);
        opts.codec = v;
        break;
      }
      case '--auth': {
        const v = value();
        if (v !== 'basic' && v !== 'digest') throw new SimulatorError('SIM_USAGE', '--auth must be basic or digest');
        scheme = v;
        break;
      }
      case '--user': user = value(); break;
      case '--password': password = value(); break;
      case '--onvif-port': onvifPort = int(0, 65535); break;
      case '--onvif-user': onvifUser = value(); break;
      case '--onvif-password': onvifPassword = value(); break;
      default: throw new SimulatorError('SIM_USAGE', `unknown option ${flag}\n${SIMULATOR_USAGE}`);
    }
  }
  if (scheme) {
    if (!user || password === undefined) throw new SimulatorError('SIM_USAGE', '--auth needs --user and --password');
    opts.auth = { scheme, username: user, password };
  }
  if (onvifPort !== undefined || onvifUser !== undefined) {
    if (!onvifUser || !onvifPassword) throw new SimulatorError('SIM_USAGE', '--onvif-port needs --onvif-user and --onvif-password (ONVIF devices always ask for credentials)');
    opts.onvif = { port: onvifPort ?? 8000, username: onvifUser, password: onvifPassword };
  }
  return opts;
}

/** Runs until SIGINT/SIGTERM; resolves after the simulator has shut down. */
export async function runSimulatorCli(argv: string[], out: (line: string) => void = (l) => process.stdout.write(l + '\n')): Promise<void> {
  const opts = parseSimulatorArgs(argv);
  const sim = await startSimulator(opts);
  out(`simulating ${sim.urls.length} camera(s) on rtsp://${opts.host}:${sim.port}/` + (opts.auth ? ` (${opts.auth.scheme} auth, user ${opts.auth.username})` : ''));
  for (const url of sim.urls) out(url);
  for (const url of sim.subUrls) out(url);
  if (sim.onvif) out(`ONVIF: ${sim.onvif.xaddr(sim.cameras[0].name).replace(sim.cameras[0].name, 'camN')} (WS-Discovery on UDP 3702)`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await sim.close();
}
