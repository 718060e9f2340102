// Both store engines for a part's store tests: a SQLite file each in a temporary folder and a fresh
// database each on one PostgreSQL test server; every store opened is closed after the file's tests.
import { after, before } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type NewCamera, type Store, type StoreConfig } from '../../src/store/index.ts';
import { startPostgres, type TestPostgres } from './postgres.ts';

export interface StoreEngine {
  name: 'sqlite' | 'postgres';
  /** A new, empty store on this engine. */
  open(): Promise<Store>;
  /** A new, empty store and a way to open the same database again (after closing it: a restart). */
  openReopenable(): Promise<{ store: Store; reopen(): Promise<Store> }>;
}

/** Registers the file's before/after hooks; `label` names the temporary folder and the databases. */
export function bothStoreEngines(label: string): StoreEngine[] {
  const tmp = mkdtempSync(join(tmpdir(), `vigil-${label}-store-`));
  let postgres: TestPostgres | undefined;
  let n = 0;
  const opened: Store[] = [];
  before(async () => { postgres = await startPostgres(); });
  after(async () => {
    for (const s of opened) await s.close().catch(() => {});
    await postgres?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });
  const open = async (config: StoreConfig): Promise<Store> => {
    const store = await openStore(config);
    opened.push(store);
    return store;
  };
  const reopenable = async (config: StoreConfig) => ({ store: await open(config), reopen: () => open(config) });
  return [
    {
      name: 'sqlite', open: () => open({ kind: 'sqlite', path: join(tmp, `${label}${++n}.sqlite`) }),
      openReopenable: () => reopenable({ kind: 'sqlite', path: join(tmp, `${label}${++n}.sqlite`) }),
    },
    {
      name: 'postgres', open: async () => open({ kind: 'postgres', url: await postgres!.createDatabase(`${label}${++n}`) }),
      openReopenable: async () => reopenable({ kind: 'postgres', url: await postgres!.createDatabase(`${label}${++n}`) }),
    },
  ];
}

/** A plain camera row for store tests. */
export const storeTestCamera = (id: string): NewCamera => ({ id, name: `Camera ${id}`, url: `rtsp://10.0.0.1/${id}`, username: null, passwordEnc: null, transport: 'tcp', enabled: true, record: true });
