/**
 * CPU, memory and listening ports of each running process, read from /proc (proc-reader.ts) over
 * its whole process group plus the escapees that carry its marker, and sampled only while someone
 * looks: the dashboard's subscription to `processes`, a `ps`, a `/metrics` scrape each hold a
 * lease ({@link ResourceSampler.demand}); with no lease, nothing is read.
 *
 * - `cpuPercent`: percent of one core between the last two samples (user + system time of every
 *   member; a member that appeared in between counts from its start). Unknown after one sample.
 * - `memoryBytes`: the sum of the members' resident memory (VmRSS; shared pages count once per
 *   process, as `ps` and `top` count them).
 * - `ports`: the TCP ports in LISTEN state whose socket one of the members holds (this network
 *   namespace, IPv4 and IPv6), ascending.
 */
import * as fs from 'node:fs';
import {
  CLOCK_TICKS_PER_SECOND,
  MARKER_VARIABLE,
  findByEnvironment,
  listProcesses,
  listeningTcpPorts,
  rssBytes,
  socketInodes,
  type ProcStat,
} from './proc-reader';

/** One process to sample. */
export interface SampleTarget {
  id: string;
  /** Its run's process group. */
  pgid: number;
  /** Its marker value (`<instance>:<id>`): processes that left the group but carry it count too. */
  marker: string;
}

/** What a sample says about one process. */
export interface ResourceFigures {
  cpuPercent?: number;
  memoryBytes: number;
  ports: number[];
}

/** Options of {@link ResourceSampler}. */
export interface ResourceSamplerOptions {
  /** The processes to sample, asked at every sample. */
  targets(): SampleTarget[];
  /** The marker prefix of this supervisor (`<instance>:`), to find escapees. */
  markerPrefix: string;
  /** Time between samples while demanded. Default 2000 ms. */
  intervalMs?: number;
  /** Called after a sample whose figures differ from the previous one's. */
  onChange?(): void;
}

/** Samples resources while demanded; see the file comment. */
export class ResourceSampler {
  /** Samples taken (for tests and diagnostics). */
  samples = 0;
  private readonly intervalMs: number;
  private leases = 0;
  private timer: NodeJS.Timeout | null = null;
  private figuresById = new Map<string, ResourceFigures>();
  private lastAt = 0;
  /** The last sample had a previous one to measure CPU against. */
  private hadInterval = false;
  private lastCpu = new Map<string, number>(); // "pid:startTicks" -> cpu ticks
  private readonly unmarked = new Map<number, number>(); // pid -> startTicks, environ read and not ours
  private readonly marked = new Map<number, { start: number; value: string }>();
  private closed = false;

  constructor(private readonly options: ResourceSamplerOptions) {
    this.intervalMs = options.intervalMs ?? 2000;
  }

  /** Hold a lease: sampling runs (now, then every interval) until every lease is released. Returns the release. */
  demand(): () => void {
    let released = false;
    this.leases++;
    if (this.leases === 1 && !this.closed) {
      if (Date.now() - this.lastAt >= this.intervalMs) this.sample();
      this.arm();
    }
    return () => {
      if (released) return;
      released = true;
      this.leases--;
      if (this.leases === 0 && this.timer) {
        clearTimeout(this.timer);
        this.timer = null;
      }
    };
  }

  /** A lease that ends by itself after `ms` (a scrape, a `ps`). */
  demandFor(ms: number): void {
    const release = this.demand();
    setTimeout(release, ms).unref();
  }
  /** A listener of "someone watches" / "nobody does" that holds a demand while watched. */
  whileWatched(): (watched: boolean) => void {
    let release: (() => void) | undefined;
    return (watched) => {
      if (watched) release ??= this.demand();
      else {
        release?.();
        release = undefined;
      }
    };
  }


  /**
   * Make sure the figures are at most `maxAgeMs` old and include CPU: samples now (twice, 250 ms
   * apart, when no earlier sample can serve as the start of the CPU interval).
   */
  async fresh(maxAgeMs = 1000): Promise<void> {
    if (this.closed) return;
    if (Date.now() - this.lastAt <= maxAgeMs && this.hadInterval) return;
    if (Date.now() - this.lastAt > this.staleAfterMs()) this.sample(); // the start of a CPU interval
    const wait = 250 - (Date.now() - this.lastAt);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (!this.closed) this.sample();
  }

  /** The latest figures of a process, if it was sampled while running and recently (someone looks). */
  figures(id: string): ResourceFigures | undefined {
    return Date.now() - this.lastAt <= this.staleAfterMs() ? this.figuresById.get(id) : undefined;
  }

  /** Stop sampling for good. Twice is harmless. */
  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(): void {
    if (this.timer || this.closed || this.leases === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.sample();
      this.arm();
    }, this.intervalMs);
    this.timer.unref();
  }

  /** One sample of every target. */
  sample(): void {
    const targets = this.options.targets();
    const now = Date.now();
    // After a pause in demand the previous sample is too old to be the start of a CPU interval.
    const elapsedSec = this.lastAt > 0 && now - this.lastAt <= this.staleAfterMs() ? (now - this.lastAt) / 1000 : 0;
    const all = targets.length > 0 ? listProcesses() : [];
    const escapees = targets.length > 0 ? this.findEscapees(all) : new Map<string, ProcStat[]>();
    // Reading the TCP tables costs more than the rest (the kernel walks every socket): only when a member holds a socket.
    let ports: Map<number, number> | null = null;
    const self = all.find((q) => q.pid === process.pid);
    // "Now" in ticks since boot, from our own start time and age: /proc's start times are in those.
    const nowTicks = self ? self.startTicks + process.uptime() * CLOCK_TICKS_PER_SECOND : 0;
    const intervalStartTicks = nowTicks - (elapsedSec + 1) * CLOCK_TICKS_PER_SECOND;
    const cpu = new Map<string, number>();
    const next = new Map<string, ResourceFigures>();
    for (const target of targets) {
      const members = all.filter((p) => p.pgid === target.pgid);
      for (const e of escapees.get(target.marker) ?? []) if (!members.includes(e)) members.push(e);
      let ticks = 0;
      let memoryBytes = 0;
      const listening = new Set<number>();
      for (const p of members) {
        const key = `${p.pid}:${p.startTicks}`;
        cpu.set(key, p.cpuTicks);
        const before = this.lastCpu.get(key);
        if (before !== undefined) ticks += Math.max(0, p.cpuTicks - before);
        else if (self && p.startTicks >= intervalStartTicks) ticks += p.cpuTicks; // born in the interval
        memoryBytes += rssBytes(p.pid) ?? 0;
        for (const inode of socketInodes(p.pid)) {
          ports ??= listeningTcpPorts();
          const port = ports.get(inode);
          if (port !== undefined) listening.add(port);
        }
      }
      const figures: ResourceFigures = { memoryBytes, ports: [...listening].sort((a, b) => a - b) };
      if (elapsedSec > 0 && members.length > 0) figures.cpuPercent = Math.round((ticks / CLOCK_TICKS_PER_SECOND / elapsedSec) * 1000) / 10;
      next.set(target.id, figures);
    }
    const changed = JSON.stringify([...next]) !== JSON.stringify([...this.figuresById]);
    this.figuresById = next;
    this.lastCpu = cpu;
    this.lastAt = now;
    this.hadInterval = elapsedSec > 0;
    this.samples++;
    if (changed) this.options.onChange?.();
  }

  private staleAfterMs(): number {
    return 3 * this.intervalMs + 1000;
  }

  /** Marked processes by marker value; environments are read once per process (they cannot change after exec). */
  private findEscapees(all: readonly ProcStat[]): Map<string, ProcStat[]> {
    const uid = process.getuid?.();
    const out = new Map<string, ProcStat[]>();
    if (uid === undefined) return out;
    const skip: number[] = [process.pid];
    for (const p of all) {
      const marked = this.marked.get(p.pid);
      if (this.unmarked.get(p.pid) === p.startTicks || marked?.start === p.startTicks) skip.push(p.pid);
    }
    const found = new Map(findByEnvironment(fs, MARKER_VARIABLE, this.options.markerPrefix, uid, false, skip).map((m) => [m.pid, m.value]));
    const live = new Set<number>();
    for (const p of all) {
      live.add(p.pid);
      const value = found.get(p.pid);
      if (value !== undefined) this.marked.set(p.pid, { start: p.startTicks, value });
      else if (!skip.includes(p.pid)) this.unmarked.set(p.pid, p.startTicks);
      const m = this.marked.get(p.pid);
      if (m && m.start === p.startTicks) {
        const list = out.get(m.value) ?? [];
        list.push(p);
        out.set(m.value, list);
      }
    }
    for (const pid of this.unmarked.keys()) if (!live.has(pid)) this.unmarked.delete(pid);
    for (const pid of this.marked.keys()) if (!live.has(pid)) this.marked.delete(pid);
    return out;
  }
}
