/** For the store's tests: a temporary project and state folder per test, and the stores opened on them. */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { LogStore, type LogStoreOptions } from './log-store';

export interface StoreFixture {
  /** The test's temporary folder (`project/` and `state/switchyard/` inside). */
  readonly tmp: string;
  /** A started store of the test's project. */
  open(options?: Partial<LogStoreOptions>): LogStore;
  /** Close every store the test opened (a restart: open again afterwards). */
  closeAll(): Promise<void>;
}

/** Register the per-test folders (removed after each test, its stores closed first). */
export function storeFixture(prefix: string): StoreFixture {
  let tmp = '';
  let stores: LogStore[] = [];
  const closeAll = async (): Promise<void> => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  };
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), `switchyard-${prefix}-`));
    mkdirSync(join(tmp, 'project'));
  });
  afterEach(async () => {
    await closeAll();
    rmSync(tmp, { recursive: true, force: true });
  });
  return {
    get tmp() {
      return tmp;
    },
    open(options = {}) {
      const store = new LogStore({ projectDir: join(tmp, 'project'), stateDir: join(tmp, 'state', 'switchyard'), ...options });
      store.start();
      stores.push(store);
      return store;
    },
    closeAll,
  };
}
