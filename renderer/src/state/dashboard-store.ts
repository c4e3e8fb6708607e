/**
 * The dashboard's one zustand store: connection, role, processes, hub statistics, alerts, audit,
 * chart history and which view is open. Log lines are not in it (they live in the LogBook); it only
 * carries `logVersion`, bumped once per applied batch, so components re-read the lines at most once
 * per frame. Processes and statistics are the wire's own types (shared/protocol).
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AlertCounters, AlertEvent, AuditEvent, ProcessInfo, Role } from '../../../shared/protocol';
import type { ConnectionStatus } from '../connection/hub-connection';
import { ALL_PROCESSES } from '../logs/log-book';
import { msOf } from './clock';
import type { HubStatsView } from './hub-stats-view';
import { appendSample, emptySeries, type Series } from './series';
import { storedTheme, type ThemeChoice } from './theme';

export type { Role };

/** Chart samples kept: one per stats snapshot (a second), so five minutes. */
export const RATE_HISTORY = 300;
/** Alerts and audit entries kept in the page. */
export const EVENTS_KEPT = 200;

/** The main panels. */
export type Tab = 'logs' | 'hub' | 'startup';

/** A dialog over the dashboard. */
export type Overlay =
  | { kind: 'help' }
  | { kind: 'alerts' }
  | { kind: 'confirm'; action: 'restart' | 'remove'; id: string }
  | { kind: 'login-link'; role: Role; url: string; expiresAt?: string };

/** The dashboard's state and the actions that change it. */
export interface DashboardState {
  connection: ConnectionStatus;
  role: Role | null;
  /** Processes in the order the supervisor lists them. */
  processes: ProcessInfo[];
  /** The open log: a process id or {@link ALL_PROCESSES}. */
  selected: string;
  tab: Tab;
  /** Bumped whenever the LogBook changed. */
  logVersion: number;
  stats: HubStatsView | null;
  /** Our own client id (`hub.whoami`), to mark ourselves in lists. */
  selfClientId: string | null;
  /** Messages per second per channel, one sample per snapshot. */
  rates: Series;
  /** CPU percent per process, sampled as the list reports it (at most once a second). */
  cpu: Series;
  /** Memory bytes per process, sampled with {@link cpu}. */
  memory: Series;
  /** The latest alerts, oldest first. */
  alerts: AlertEvent[];
  alertCounters: AlertCounters | null;
  /** Alerts newer than the last look at the alert list. */
  unreadAlerts: number;
  /** ms of the last look at the alert list. */
  alertsSeenAt: number;
  /** Alerts per process not yet seen (the row's mark); cleared when the process is shown. */
  marks: Record<string, number>;
  /** The latest control actions, oldest first. */
  audit: AuditEvent[];
  theme: ThemeChoice;
  overlay: Overlay | null;
  /** The last action's failure, shown until dismissed. */
  notice: string | null;

  setConnection(status: ConnectionStatus): void;
  setRole(role: Role | null): void;
  setSelfClientId(id: string | null): void;
  /** Take a complete list (the truth), sampling CPU and memory. */
  setProcesses(list: ProcessInfo[], nowMs?: number): void;
  /** Replace the processes whose state changed (status messages between two lists). */
  updateProcesses(updated: ProcessInfo[]): void;
  select(id: string): void;
  setTab(tab: Tab): void;
  bumpLogs(): void;
  setStats(stats: HubStatsView, nowMs?: number): void;
  /** Add alerts (the list at connect, or live ones), without duplicates. */
  addAlerts(alerts: AlertEvent[], counters?: AlertCounters): void;
  /** The alert list was looked at. */
  markAlertsSeen(nowMs?: number): void;
  addAudit(entries: AuditEvent[]): void;
  setTheme(theme: ThemeChoice): void;
  setOverlay(overlay: Overlay | null): void;
  setNotice(notice: string | null): void;
}

/** The store as the controller and components share it. */
export type DashboardStore = StoreApi<DashboardState>;

const SEEN_KEY = 'switchyard.alertsSeenAt';

function storedSeenAt(): number {
  try {
    return Number(globalThis.localStorage?.getItem(SEEN_KEY)) || 0;
  } catch {
    return 0;
  }
}

/** Events are told apart by content: the hub's list and the live channel may both bring one. */
const keyOf = (e: object): string => JSON.stringify(e);

function merged<T extends object & { time: string }>(old: T[], incoming: T[]): { list: T[]; added: T[] } {
  const known = new Set(old.map(keyOf));
  const added = incoming.filter((e) => !known.has(keyOf(e)));
  if (added.length === 0) return { list: old, added };
  const list = [...old, ...added].sort((a, b) => (msOf(a.time) ?? 0) - (msOf(b.time) ?? 0)).slice(-EVENTS_KEPT);
  return { list, added };
}

/** A fresh store. */
export function createDashboardStore(initial: Partial<DashboardState> = {}): DashboardStore {
  return createStore<DashboardState>()((set) => ({
    connection: { kind: 'connecting', attempt: 1 },
    role: null,
    processes: [],
    selected: ALL_PROCESSES,
    tab: 'logs',
    logVersion: 0,
    stats: null,
    selfClientId: null,
    rates: emptySeries(),
    cpu: emptySeries(),
    memory: emptySeries(),
    alerts: [],
    alertCounters: null,
    unreadAlerts: 0,
    alertsSeenAt: storedSeenAt(),
    marks: {},
    audit: [],
    theme: storedTheme(),
    overlay: null,
    notice: null,

    setConnection: (connection) => set({ connection }),
    setRole: (role) => set({ role }),
    setSelfClientId: (selfClientId) => set({ selfClientId }),
    setProcesses: (list, nowMs = Date.now()) =>
      set((s) => {
        const measured = list.filter((p) => p.cpuPercent !== undefined || p.memoryBytes !== undefined);
        // Lists come with every status change; one resource sample a second is plenty.
        if (measured.length === 0 || nowMs / 1000 - (s.cpu.t.at(-1) ?? 0) < 1) return { processes: list };
        const cpu = appendSample(s.cpu, nowMs, Object.fromEntries(measured.map((p) => [p.id, p.cpuPercent])), RATE_HISTORY);
        const memory = appendSample(s.memory, nowMs, Object.fromEntries(measured.map((p) => [p.id, p.memoryBytes])), RATE_HISTORY);
        return { processes: list, cpu, memory };
      }),
    updateProcesses: (updated) =>
      set((s) => {
        const byId = new Map(updated.map((p) => [p.id, p]));
        return { processes: s.processes.map((p) => byId.get(p.id) ?? p) };
      }),
    select: (selected) =>
      set((s) => {
        if (!(selected in s.marks)) return { selected, tab: 'logs' };
        const { [selected]: _seen, ...marks } = s.marks;
        return { selected, tab: 'logs', marks };
      }),
    setTab: (tab) => set({ tab }),
    bumpLogs: () => set((s) => ({ logVersion: s.logVersion + 1 })),
    setStats: (stats, nowMs = Date.now()) =>
      set((s) => {
        const sample: Record<string, number> = {};
        for (const c of stats.channelList) sample[c.name] = c.ratePerSec;
        return { stats, rates: appendSample(s.rates, nowMs, sample, RATE_HISTORY) };
      }),
    addAlerts: (alerts, counters) =>
      set((s) => {
        const { list, added } = merged(s.alerts, alerts);
        const fresh = added.filter((a) => (msOf(a.time) ?? 0) > s.alertsSeenAt);
        const marks = { ...s.marks };
        for (const a of fresh) marks[a.process] = (marks[a.process] ?? 0) + 1;
        return { alerts: list, unreadAlerts: s.unreadAlerts + fresh.length, marks, alertCounters: counters ?? s.alertCounters };
      }),
    markAlertsSeen: (nowMs = Date.now()) => {
      try {
        globalThis.localStorage?.setItem(SEEN_KEY, String(nowMs));
      } catch {
        // Refused storage: the count resets on the next reload instead.
      }
      set({ unreadAlerts: 0, alertsSeenAt: nowMs });
    },
    addAudit: (entries) => set((s) => ({ audit: merged(s.audit, entries).list })),
    setTheme: (theme) => set({ theme }),
    setOverlay: (overlay) => set({ overlay }),
    setNotice: (notice) => set({ notice }),
    ...initial,
  }));
}
