/**
 * The supervisor: runs the user's processes and streams them into the hub (CONTRACT.md, Channels).
 *
 * - `process:<id>`: every output line as `process_output` (with its `stream`; see
 *   output-splitter.ts for the `\r` progress rule) and every status as `process_status`.
 * - `processes`: on start and after every change (a status, a health verdict, an add, a remove,
 *   resource figures while someone looks), coalesced per tick,
 *   `{"type":"event","data":{"kind":"list","processes":[ProcessInfo, ...]}}`, the same items as
 *   `process.list` returns (ProcessInfo in shared/protocol/payloads/process.ts).
 * - Methods: see supervisor-methods.ts, and terminal/terminal-methods.ts for `process.input`,
 *   `process.resize` and `process.screen`.
 * - Order: `dependsOn` is checked as a whole at start (unknown ids, cycles: nothing starts);
 *   processes start once what they depend on holds (dependency-coordinator.ts); `close()` stops
 *   dependants before what they depend on.
 * - Resources (resource-sampler.ts) are sampled only while demanded: {@link Supervisor.demandResources}.
 * - Shutdown: `close()` stops every group (and what escaped them carrying the marker) and resolves
 *   when all are gone; `killAllSync()` SIGKILLs them from an 'exit' handler; the watchdog
 *   (watchdog.ts) covers the death of this process itself.
 *
 * Every call into the hub goes through the hooks built in the constructor, so that a change of the
 * hub's API is adapted in one place.
 */
import { randomBytes } from 'node:crypto';
import { PROCESSES_CHANNEL, PROCESS_CHANNEL_PREFIX, processChannel, type ProcessInfo } from '../../shared/protocol';
import { timestampAt } from '../hub/clock';
import type { ProcessLogSink } from '../store/log-store';
import { OutputBatch } from './output-batch';
import { RunJournal } from './run-journal';
import type { HubApi } from '../hub/hub-api';
import { MethodError } from '../hub/methods';
import { DependencyCoordinator } from './dependency-coordinator';
import { checkDependencies, dependantsOf } from './dependency-graph';
import { ManagedProcess, type ManagedProcessHooks, type ManagedProcessSettings } from './managed-process';
import { validateDefinition, type ProcessDefinition } from './process-definition';
import { killEscapeesSync, terminateGroup } from './process-group';
import { ResourceSampler } from './resource-sampler';
import { registerSupervisorMethods } from './supervisor-methods';
import { InputGuard } from './terminal/input-guard';
import { registerTerminalMethods } from './terminal/terminal-methods';
import { Watchdog, watchdogExitMessage } from './watchdog';

/** Options of {@link Supervisor}. */
export interface SupervisorOptions {
  /** The hub to publish into and register methods with. */
  hub: HubApi;
  /** Where runs and lines are stored beyond the hub's memory (the log store). Default none. */
  logs?: ProcessLogSink;
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
  /** Time between resource samples while someone looks. Default 2000 ms. */
  resourceIntervalMs?: number;
  /** Diagnostics that are not a process's status (the watchdog died, a watcher failed). Default: stderr. */
  log?: (line: string) => void;
}

/** What `/metrics` shows of one process. */
export interface ProcessMetrics {
  id: string;
  /** Whether a run is alive. */
  up: boolean;
  linesOut: number;
  bytesOut: number;
  /** Automatic restarts since the process was defined (never reset). */
  restarts: number;
  cpuPercent?: number;
  memoryBytes?: number;
}

/** Runs processes and streams them into the hub; see the file comment. */
export class Supervisor {
  /** Times the watchdog exited on its own (it is replaced; see watchdog.ts). */
  watchdogFailures = 0;
  /** This supervisor's instance id, in the marker of every process it starts. */
  readonly instance = randomBytes(12).toString('base64url');
  private readonly hub: HubApi;
  private readonly procs = new Map<string, ManagedProcess>();
  private readonly hooks: ManagedProcessHooks;
  private readonly settings: ManagedProcessSettings;
  private readonly watchdog: Watchdog | null;
  private readonly coordinator: DependencyCoordinator;
  private readonly sampler: ResourceSampler;
  private readonly log: (line: string) => void;
  /** Rate limit of terminal input (terminal/input-guard.ts). */
  private readonly inputGuard = new InputGuard();
  private readonly waitingForDrain = new Set<ManagedProcess>();
  private drainRegistered = false;
  private listDirty = false;
  private readonly batch: OutputBatch;
  private readonly journal: RunJournal;
  private started = false;
  private closing: Promise<void> | null = null;

  constructor(options: SupervisorOptions) {
    if (!options || typeof options.hub?.publish !== 'function') throw new TypeError('Supervisor needs options.hub (a HubApi)');
    this.hub = options.hub;
    this.log = options.log ?? ((line) => process.stderr.write(`${line}\n`));
    this.settings = {
      cwd: options.cwd ?? process.cwd(),
      env: options.env ?? process.env,
      shell: options.shell ?? '/bin/sh',
      maxLineBytes: options.maxLineBytes,
      progressIntervalMs: options.progressIntervalMs,
      startupWindowMs: options.startupWindowMs ?? 3000,
      settleMs: options.settleMs ?? 1000,
      instance: this.instance,
    };
    this.watchdog =
      options.watchdog === false
        ? null
        : new Watchdog({
            markerPrefix: this.markerPrefix,
            onUnexpectedExit: (code, signal, delayMs) => {
              this.watchdogFailures++;
              this.log(watchdogExitMessage(code, signal, delayMs));
            },
          });
    this.coordinator = new DependencyCoordinator(this.procs);
    this.sampler = new ResourceSampler({
      markerPrefix: this.markerPrefix,
      intervalMs: options.resourceIntervalMs,
      targets: () => [...this.procs.values()].flatMap((p) => (p.pgid ? [{ id: p.id, pgid: p.pgid, marker: p.marker }] : [])),
      onChange: () => this.listChanged(),
    });
    this.journal = new RunJournal(options.logs);
    this.batch = new OutputBatch((id, lines, ms) => {
      this.hub.publishOutput(id, lines);
      this.journal.lines(id, lines, ms);
    });
    this.hooks = {
      output: (id, line, stream) => this.batch.add(id, line, stream),
      status: (id, data) => {
        this.journal.onStatus(id, data);
        this.hub.publishStatus(id, data);
        this.coordinator.changed();
        this.listChanged();
      },
      congested: () => this.hub.isCongested(),
      waitDrain: (proc) => this.waitDrain(proc),
      groupStarted: (pgid, signal, graceMs) => this.watchdog?.add(pgid, signal, graceMs),
      groupGone: (pgid) => this.watchdog?.remove(pgid),
      figures: (id) => this.sampler.figures(id),
      warn: (message) => this.log(`switchyard: ${message}`),
      terminalOutput: (id, data) => this.hub.publishTerminal(id, data, timestampAt(Date.now())).then((p) => p.seq),
      terminalEvent: (id, data) => this.hub.publishEvent(processChannel(id), data),
    };
    for (const def of options.definitions ?? []) this.addDefinition(checked(def, 'definitions'));
    // A publish the engine refused is never silent: its lines count as the process's `skipped`.
    this.hub.onPublishFailure(({ channel, count }) => {
      if (channel.startsWith(PROCESS_CHANNEL_PREFIX)) this.procs.get(channel.slice(PROCESS_CHANNEL_PREFIX.length))?.addSkipped(count);
    });
    this.hub.setProcessLookup((id) => this.procs.has(id));
    // Someone watches the process list (a dashboard): sample CPU, memory and ports meanwhile.
    this.hub.onWatchers(PROCESSES_CHANNEL, this.sampler.whileWatched());
  }

  /** The watchdog's pid while it runs (for diagnostics and tests). */
  get watchdogPid(): number | undefined {
    return this.watchdog?.pid;
  }

  /** The marker prefix of every process this supervisor starts (`<instance>:`). */
  get markerPrefix(): string {
    return `${this.instance}:`;
  }

  /** Have the watchdog remove this file if this process dies (the instance record, the token file); see watchdog.ts. */
  removeOnDeath(path: string): void {
    this.watchdog?.removeOnDeath(path);
  }

  /**
   * Register the `process.*` methods, start the watchdog and the autostart processes (in
   * dependency order). Throws a DefinitionError naming every unknown id and every cycle of
   * `dependsOn`, and then starts nothing. Twice is harmless.
   */
  start(): void {
    if (this.started || this.closing) return;
    checkDependencies([...this.procs.values()].map((p) => p.def), 'dependsOn');
    this.started = true;
    registerSupervisorMethods(this, this.hub);
    registerTerminalMethods(this.hub, (id) => this.proc(id), this.inputGuard);
    this.watchdog?.start();
    for (const proc of this.procs.values()) if (proc.def.autostart !== false) this.coordinator.request(proc.id);
    this.listChanged();
  }

  /** Every process, in definition order. */
  list(): ProcessInfo[] {
    return [...this.procs.values()].map((p) => this.infoOf(p));
  }

  /** One process; throws MethodError `not_found` for an unknown id. */
  get(id: string): ProcessInfo {
    return this.infoOf(this.proc(id));
  }

  /**
   * Start a process (no-op when it runs), after what it depends on: those not running are started
   * first, and it waits (`waiting`) until their conditions hold. Throws `not_found` for an unknown id.
   */
  startProcess(id: string): void {
    this.proc(id);
    if (this.closing) throw new Error('the supervisor is closed');
    this.watchdog?.start();
    this.coordinator.request(id);
  }

  /** Stop a process's whole group; resolves when it is gone. Throws `not_found` for an unknown id. */
  stopProcess(id: string): Promise<void> {
    const proc = this.proc(id);
    this.coordinator.cancel(id);
    return proc.stop();
  }

  /** Stop, then start a process (its dependencies are not restarted). Throws `not_found` for an unknown id. */
  async restartProcess(id: string): Promise<void> {
    const proc = this.proc(id);
    if (this.closing) throw new Error('the supervisor is closed');
    this.watchdog?.start();
    this.coordinator.cancel(id);
    await proc.stop();
    this.coordinator.request(id);
  }

  /**
   * Add a process at run time; it starts at once (unless `autostart: false`) when the supervisor
   * is started. Throws DefinitionError for a bad definition (a `dependsOn` naming an unknown
   * process included), MethodError `conflict` for an id in use.
   */
  add(def: ProcessDefinition): ProcessInfo {
    if (this.closing) throw new Error('the supervisor is closed');
    const clean = checked(def, 'process.add');
    if (this.procs.has(clean.id)) throw new MethodError('conflict', `process "${clean.id}" already exists`);
    checkDependencies([...[...this.procs.values()].map((p) => p.def), clean], 'process.add');
    const proc = this.addDefinition(clean);
    proc.origin = 'added';
    if (this.started && clean.autostart !== false) this.coordinator.request(proc.id);
    this.listChanged();
    return this.infoOf(proc);
  }

  /** Stop a process and forget it; resolves once its group is gone. Throws `not_found` for an unknown id, `conflict` while others depend on it. */
  async remove(id: string): Promise<void> {
    const proc = this.proc(id);
    const dependants = dependantsOf(this.definitions(), id);
    if (dependants.length > 0) throw new MethodError('conflict', `process "${id}" is needed by ${dependants.map((d) => `"${d}"`).join(', ')}; remove those first`);
    this.coordinator.cancel(id);
    await proc.close();
    if (this.procs.get(id) === proc) this.procs.delete(id);
    this.waitingForDrain.delete(proc);
    this.listChanged();
  }

  /**
   * Stop every process, dependants before what they depend on (independent ones in parallel), then
   * whatever escaped the groups; resolves when all are gone. Twice is harmless.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.coordinator.close();
      this.sampler.close();
      const defs = this.definitions();
      const stopping = new Map<string, Promise<void>>();
      const stop = (proc: ManagedProcess): Promise<void> => {
        let done = stopping.get(proc.id);
        if (!done) {
          stopping.set(proc.id, (done = Promise.resolve())); // placeholder: the graph has no cycle, but be safe
          const dependants = dependantsOf(defs, proc.id).flatMap((id) => (this.procs.get(id) ? [this.procs.get(id) as ManagedProcess] : []));
          done = Promise.all(dependants.map(stop)).then(() => proc.close({ sweepEscapees: false }));
          stopping.set(proc.id, done);
        }
        return done;
      };
      await Promise.all([...this.procs.values()].map(stop));
      // What left the groups, of every process at once (one search instead of one per process).
      await terminateGroup(0, 'SIGTERM', { graceMs: 2000, marker: this.markerPrefix, markerIsPrefix: true });
      this.watchdog?.close();
    })();
    return this.closing;
  }

  /** Synchronous last resort (for a process 'exit' handler): SIGKILL every group, and every escapee, now. */
  killAllSync(): void {
    for (const proc of this.procs.values()) proc.killSync();
    killEscapeesSync(this.markerPrefix);
  }

  /** Hold a lease on resource sampling (the dashboard looks at `processes`); call the returned function to release it. */
  demandResources(): () => void {
    return this.sampler.demand();
  }

  /** Sample resources for `ms` from now (a `ps`, a scrape), then stop unless someone else looks. */
  demandResourcesFor(ms: number): void {
    this.sampler.demandFor(ms);
  }

  /** Resolve once the resource figures are at most `maxAgeMs` old, CPU included. */
  freshResources(maxAgeMs?: number): Promise<void> {
    return this.sampler.fresh(maxAgeMs);
  }

  /** Per-process figures for `/metrics`. */
  metrics(): ProcessMetrics[] {
    return [...this.procs.values()].map((p) => {
      const info = p.info();
      const m: ProcessMetrics = { id: p.id, up: p.pgid !== undefined, linesOut: info.linesOut, bytesOut: info.bytesOut, restarts: p.totalRestarts };
      if (info.cpuPercent !== undefined) m.cpuPercent = info.cpuPercent;
      if (info.memoryBytes !== undefined) m.memoryBytes = info.memoryBytes;
      return m;
    });
  }

  /** Resolves once a process's file watcher has scanned its folders (for tests: changes before that may go unnoticed). */
  whenWatching(id: string): Promise<void> {
    return this.proc(id).whenWatching();
  }

  /** Watchdogs started after the first one died (see watchdog.ts). */
  get watchdogRespawns(): number {
    return this.watchdog?.respawns ?? 0;
  }

  private definitions(): ProcessDefinition[] {
    return [...this.procs.values()].map((p) => p.def);
  }

  private infoOf(proc: ManagedProcess): ProcessInfo {
    const info = proc.info();
    const run = this.journal.runOf(proc.id);
    if (run > 0) info.run = run;
    const deps = this.coordinator.dependencies(proc.id);
    if (deps) info.dependsOn = deps;
    const stored = this.journal.stored(proc.id);
    if (stored !== undefined) info.stored = stored;
    return info;
  }

  private addDefinition(def: ProcessDefinition): ManagedProcess {
    if (this.procs.has(def.id)) throw new MethodError('conflict', `process "${def.id}" already exists`);
    const proc = new ManagedProcess(def, this.settings, this.hooks);
    this.procs.set(def.id, proc);
    this.journal.define(def.id, def.store);
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
}

/** Validate a definition given in code (a loader's output is already clean; this also catches typos). */
function checked(def: ProcessDefinition, source: string): ProcessDefinition {
  if (typeof def !== 'object' || def === null) throw new TypeError(`${source}: a definition must be an object`);
  const { id, ...rest } = def;
  const clean = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  return validateDefinition(id, clean, { source });
}
