// A TCP relay that can stall: while stalled it forwards nothing either way and holds new
// connections unanswered, as a link that went dead without a word (no reset, no close). Lets a
// test cut a client from a server on loopback, without network namespaces.
import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface StallProxy {
  url(scheme: string): string;
  port: number;
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startStallProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<StallProxy> {
  let stalled = false;
  const pairs = new Set<{ a: Socket; b: Socket | null; held: Buffer[] }>();
  const link = (p: { a: Socket; b: Socket | null; held: Buffer[] }) => {
    const b = createConnection({ port: targetPort, host: targetHost });
    p.b = b;
    for (const d of p.held) b.write(d);
    p.held = [];
    b.on('data', (d) => p.a.write(d));
    b.on('error', () => p.a.destroy());
    b.on('close', () => p.a.destroy());
  };
  const server: Server = createServer((a) => {
    const p = { a, b: null as Socket | null, held: [] as Buffer[] };
    pairs.add(p);
    a.on('data', (d) => (p.b ? p.b.write(d) : p.held.push(d)));
    a.on('error', () => p.b?.destroy());
    a.on('close', () => {
      p.b?.destroy();
      pairs.delete(p);
    });
    if (stalled) a.pause();
    else link(p);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    stall() {
      stalled = true;
      for (const p of pairs) {
        p.a.pause();
        p.b?.pause();
      }
    },
    resume() {
      stalled = false;
      for (const p of pairs) {
        if (!p.b) link(p);
        p.a.resume();
        p.b!.resume();
      }
    },
    async close() {
      for (const p of pairs) {
        p.a.destroy();
        p.b?.destroy();
      }
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
