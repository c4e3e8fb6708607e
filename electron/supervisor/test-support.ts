/**
 * TEST SUPPORT shared by the supervisor's test files: a supervisor on a RecordingHub, or on a
 * real hub with a client watching, closed after each test; temp folders that are removed, and polling.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { until } from '../../shared/test-support/until';
import type { HubOptions } from '../hub/hub-options';
import { startHub, TestClient } from '../hub/test-helpers';
import type { ProcessDefinition } from './process-definition';
import { RecordingHub } from './recording-hub';
import { Supervisor, type SupervisorOptions } from './supervisor';

/** The node binary running the tests, quoted for a shell command. */
export const NODE = JSON.stringify(process.execPath);

/** A fixture's path, quoted for a shell command. */
export const fixture = (name: string): string => JSON.stringify(join(__dirname, 'fixtures', name));

/** Cleanups to run after each test (register `runCleanups` in afterEach). */
export const cleanups: (() => unknown)[] = [];

/** Run and forget every registered cleanup, last first. */
export async function runCleanups(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

/** A supervisor (no watchdog unless asked) on a recording hub, closed after the test. */
export function setup(definitions: ProcessDefinition[], options: Partial<SupervisorOptions> = {}): { hub: RecordingHub; sup: Supervisor } {
  const hub = new RecordingHub();
  const sup = new Supervisor({ hub, definitions, watchdog: false, log: () => {}, ...options });
  cleanups.push(() => sup.close());
  return { hub, sup };
}

/**
 * A supervisor (no watchdog) on a real hub on port 0, and an operator client subscribed to each
 * process's channel, all closed after the test. Not started: the caller starts it once it listens.
 */
export async function onRealHub(definitions: ProcessDefinition[], hubOptions: HubOptions = {}): Promise<{ hub: Awaited<ReturnType<typeof startHub>>['hub']; url: string; sup: Supervisor; client: TestClient }> {
  const { hub, url } = await startHub(hubOptions);
  cleanups.push(() => hub.close());
  const sup = new Supervisor({ hub, watchdog: false, definitions });
  cleanups.push(() => sup.close());
  const client = await TestClient.open(url);
  cleanups.push(() => client.close());
  for (const d of definitions) await client.subscribe(`process:${d.id}`);
  return { hub, url, sup, client };
}

/** A temp folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'switchyard-sup-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Poll a condition (the shared until, with the supervisor's longer default: processes take time to start). */
export const waitUntil = (cond: () => boolean, what: string, timeoutMs = 15_000): Promise<void> => until(cond, what, timeoutMs);

/** Wait `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
