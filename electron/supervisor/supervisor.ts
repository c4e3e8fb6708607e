/**
 * The supervisor: runs the user's processes and streams them into the hub (CONTRACT.md, Channels).
 *
 * - `process:<id>`: every output line as `process_output` (with its `stream`; see
 *   output-splitter.ts for the `\r` progress rule) and every status as `process_status`.
 * - `processes`: on start and after every change (a status, an add, a remove), coalesced per tick,
 *   `{"type":"event","data":{"kind":"list","processes":[ProcessInfo, ...]}}`, the same items as
 *   `process.list` returns (see process-info.ts).
 * - Methods: `process.list` (viewers too) → ProcessInfo[]; operators only: `process.start`,
 *   `process.stop`, `process.restart` ({id} → ProcessInfo, once done), `process.add`
 *   ({id, command, cwd?, env?, autostart?, restart?, stopSignal?, stopGraceMs?} → ProcessInfo),
 *   `process.remove` ({id} → {id, removed: true}, after the group is stopped).
 *   An unknown id is `not_found`, bad params `bad_params`, an id in use `conflict`.
 * - Shutdown: `close()` stops every group in parallel and resolves when all are gone;
 *   `killAllSync()` SIGKILLs every group from an 'exit' handler; the watchdog (watchdog.ts) covers
 *   the death of this process itself.
 */
import { PROCESSES_CHANNEL, PROCESS_CHANNEL_PREFIX, type OutputStream, type ProcessInfo } from '../../shared/protocol';
import { timestamp } from '../hub/clock';
import type { HubApi } from '../hub/hub-api';
import { MethodError } from '../hub/methods';
import type { OutputLine } from '../hub/wire-frame';
import { ManagedProcess, type ManagedProcessHooks } from './managed-process';
import { DefinitionError, validateDefinition, type ProcessDefinition } from './process-definition';
import { Watchdog } from './watchdog';

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  /** The hub to publish into and register methods with. */
  hub: HubApi;
  /** The processes. Default none. */
  definitions?: readonly ProcessDefinition[];
  /** Base for relative working directories. Default `process.cwd()`. */
  cwd?: string;
  /** Base environment of every process. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The shell commands run through. Default `/bin/sh`. */
  shell?: string;
  /** Run a watchdog that kills the groups if this process dies. Default true. */
  watchdog?: boolean;
  /** Longest line piece in UTF-8 bytes. Default 64 KiB. */
  maxLineBytes?: number;
  /** Least time between two `\r` progress updates of a line. Default 100 ms. */
  progressIntervalMs?: number;
  /** How soon after start an exit 127 ("not found") counts as `failed`. Default 3000 ms. */
  startupWindowMs?: number;
  /** How long to wait for the pipes to close after a process exits. Default 1000 ms. */
  settleMs?: number;
}

/** Runs processes and streams them into the hub; see the file comment. */
export class Supervisor {
  /** Times the watchdog exited on its own (the groups are then unguarded against our death). */
  watchdogFailures = 0;
  private readonly hub: HubApi;
  private readonly procs = new Map<string, ManagedProcess>();
  private readonly hooks: ManagedProcessHooks;
  private readonly settings: ConstructorParameters<typeof ManagedProcess>[1];
  private readonly watchdog: Watchdog | null;
  private readonly waitingForDrain = new Set<ManagedProcess>();
  private drainRegistered = false;
  private listDirty = false;
  /** Lines read in this turn of the event loop, per process: published together (one engine call per chunk). */
  private readonly pendingLines = new Map<string, OutputLine[]>();
  private flushQueued = false;
  private started = false;
  private closing: Promise<void> | null = null;

  constructor(options: SupervisorOptions) {
    if (!options || typeof options.hub?.publish !== 'function') throw new TypeError('Supervisor needs options.hub (a HubApi)');
    this.hub = options.hub;
    this.settings = {
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? process.env,
      shell: options.shell ?? '/bin/sh',
      maxLineBytes: options.maxLineBytes,
      progressIntervalMs: options.progressIntervalMs,
      startupWindowMs: options.startupWindowMs ?? 3000,
      settleMs: options.settleMs ?? 1000,
    };
    this.watchdog = options.watchdog === false ? null : new Watchdog({ onUnexpectedExit: () => this.watchdogFailures++ });
    this.hooks = {
      output: (id, line, stream) => this.queueLine(id, line, stream),
      status: (id, data) => {
        this.hub.publishStatus(id, data);
        this.listChanged();
      },
      congested: () => this.hub.isCongested(),
      waitDrain: (proc) => this.waitDrain(proc),
      groupStarted: (pgid, signal, graceMs) => this.watchdog?.add(pgid, signal, graceMs),
      groupGone: (pgid) => this.watchdog?.remove(pgid),
    };
    for (const def of options.definitions ?? []) this.addDefinition(checked(def, 'definitions'));
    // A publish the engine refused is never silent: its lines count as the process's `skipped`.
    this.hub.onPublishFailure(({ channel, count }) => {
      if (channel.startsWith(PROCESS_CHANNEL_PREFIX)) this.procs.get(channel.slice(PROCESS_CHANNEL_PREFIX.length))?.addSkipped(count);
    });
    this.hub.setProcessLookup((id) => this.procs.has(id));
  }

  /** The watchdog's pid while it runs (for diagnostics and tests). */
  get watchdogPid(): number | undefined {
    return this.watchdog?.pid;
  }

  /** Register the `process.*` methods, start the watchdog and the autostart processes. Twice is harmless. */
  start(): void {
    if (this.started || this.closing) return;
    this.started = true;
    this.registerMethods();
    this.watchdog?.start();
    for (const proc of this.procs.values()) if (proc.def.autostart !== false) proc.start();
    this.listChanged();
  }

  /** Every process, in definition order. */
  list(): ProcessInfo[] {
    return [...this.procs.values()].map((p) => p.info());
  }

  /** One process; throws MethodError `not_found` for an unknown id. */
  get(id: string): ProcessInfo {
    return this.proc(id).info();
  }

  /** Start a process (no-op when it runs). Throws `not_found` for an unknown id. */
  startProcess(id: string): void {
    const proc = this.proc(id);
    if (this.closing) throw new Error('the supervisor is closed');
    this.watchdog?.start();
    proc.start();
  }

  /** Stop a process's whole group; resolves when it is gone. Throws `not_found` for an unknown id. */
  stopProcess(id: string): Promise<void> {
    return this.proc(id).stop();
  }

  /** Stop, then start a process. Throws `not_found` for an unknown id. */
  restartProcess(id: string): Promise<void> {
    const proc = this.proc(id);
    if (this.closing) throw new Error('the supervisor is closed');
    this.watchdog?.start();
    return proc.restart();
  }

  /**
   * Add a process at run time; it starts at once (unless `autostart: false`) when the supervisor
   * is started. Throws DefinitionError for a bad definition, MethodError `conflict` for an id in use.
   */
  add(def: ProcessDefinition): ProcessInfo {
    if (this.closing) throw new Error('the supervisor is closed');
    const proc = this.addDefinition(checked(def, 'process.add'));
    if (this.started && def.autostart !== false) proc.start();
    this.listChanged();
    return proc.info();
  }

  /** Stop a process and forget it; resolves once its group is gone. Throws `not_found` for an unknown id. */
  async remove(id: string): Promise<void> {
    const proc = this.proc(id);
    await proc.close();
    if (this.procs.get(id) === proc) this.procs.delete(id);
    this.waitingForDrain.delete(proc);
    this.listChanged();
  }

  /** Stop every process group in parallel; resolves when all are gone. Twice is harmless. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await Promise.all([...this.procs.values()].map((p) => p.close()));
      this.watchdog?.close();
    })();
    return this.closing;
  }

  /** Synchronous last resort (for a process 'exit' handler): SIGKILL every group now. */
  killAllSync(): void {
    for (const proc of this.procs.values()) proc.killSync();
  }

  private addDefinition(def: ProcessDefinition): ManagedProcess {
    if (this.procs.has(def.id)) throw new MethodError('conflict', `process "${def.id}" already exists`);
    const proc = new ManagedProcess(def, this.settings, this.hooks);
    this.procs.set(def.id, proc);
    return proc;
  }

  private proc(id: string): ManagedProcess {
    const proc = this.procs.get(id);
    if (!proc) throw new MethodError('not_found', `no process "${String(id).slice(0, 100)}"`);
    return proc;
  }

  private waitDrain(proc: ManagedProcess): void {
    this.waitingForDrain.add(proc);
    if (this.drainRegistered) return;
    this.drainRegistered = true;
    this.hub.onDrain(() => {
      this.drainRegistered = false;
      const procs = [...this.waitingForDrain];
      this.waitingForDrain.clear();
      for (const p of procs) p.resume();
    });
  }

  private listChanged(): void {
    if (this.listDirty || !this.started) return;
    this.listDirty = true;
    queueMicrotask(() => {
      this.listDirty = false;
      this.hub.publishEvent(PROCESSES_CHANNEL, { kind: 'list', processes: this.list() });
    });
  }

  // The lines of one pipe chunk are emitted synchronously, one call each: gather them and publish
  // them together once the chunk is done, stamped with one time.
  private queueLine(id: string, line: string, stream: OutputStream): void {
    let lines = this.pendingLines.get(id);
    if (!lines) this.pendingLines.set(id, (lines = []));
    lines.push({ data: line, stream, time: '' });
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(this.flushLines);
  }

  private readonly flushLines = (): void => {
    this.flushQueued = false;
    const time = timestamp();
    for (const [id, lines] of this.pendingLines) {
      for (const line of lines) line.time = time;
      this.hub.publishOutput(id, lines);
    }
    this.pendingLines.clear();
  };

  private registerMethods(): void {
    const hub = this.hub;
    hub.registerMethod('process.list', () => this.list());
    hub.registerMethod('process.start', ({ id }) => {
      this.startProcess(id);
      return this.get(id);
    });
    hub.registerMethod('process.stop', async ({ id }) => {
      await this.stopProcess(id);
      return this.get(id);
    });
    hub.registerMethod('process.restart', async ({ id }) => {
      await this.restartProcess(id);
      return this.get(id);
    });
    hub.registerMethod('process.add', (params) => {
      const { id, ...rest } = params;
      let def: ProcessDefinition;
      try {
        def = validateDefinition(id, rest, { source: 'process.add' });
      } catch (err) {
        throw err instanceof DefinitionError ? new MethodError('bad_params', err.message) : err;
      }
      return this.add(def);
    });
    hub.registerMethod('process.remove', async ({ id }) => {
      await this.remove(id);
      return { id, removed: true as const };
    });
  }
}

/** Validate a definition given in code (a loader's output is already clean; this also catches typos). */
function checked(def: ProcessDefinition, source: string): ProcessDefinition {
  if (typeof def !== 'object' || def === null) throw new TypeError(`${source}: a definition must be an object`);
  const { id, ...rest } = def;
  const clean = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return validateDefinition(id, clean, { source });
}
