/**
 * The dashboard's one zustand store: connection, role, processes, hub statistics and which view
 * is open. Log lines are not in it (they live in the LogBook); it only carries `logVersion`,
 * bumped once per applied batch, so components re-read the lines at most once per frame.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ConnectionStatus } from '../connection/hub-connection';
import { ALL_PROCESSES } from '../logs/log-book';
import type { HubStats } from './hub-stats';
import type { ProcessInfo } from './process-info';

/** Who this dashboard is on the hub; null until known (controls stay hidden until then). */
export type Role = 'operator' | 'viewer';

/** How many rate samples the channel sparklines keep (one per stats snapshot, i.e. per second). */
export const RATE_HISTORY = 60;

/** The dashboard's state and the actions that change it. */
export interface DashboardState {
  connection: ConnectionStatus;
  role: Role | null;
  /** Processes by id, in the order the supervisor lists them. */
  processes: ProcessInfo[];
  /** The open log: a process id or {@link ALL_PROCESSES}. */
  selected: string;
  /** The open main panel. */
  tab: 'logs' | 'hub';
  /** Bumped whenever the LogBook changed. */
  logVersion: number;
  stats: HubStats | null;
  /** Recent `ratePerSec` samples per channel, oldest first. */
  rates: Record<string, number[]>;
  /** The last action's failure, shown until dismissed. */
  notice: string | null;

  setConnection(status: ConnectionStatus): void;
  setRole(role: Role | null): void;
  setProcesses(list: ProcessInfo[]): void;
  /** Merge changed fields into processes (adding unknown ones). */
  patchProcesses(patches: Array<Partial<ProcessInfo> & { id: string }>): void;
  select(id: string): void;
  setTab(tab: 'logs' | 'hub'): void;
  bumpLogs(): void;
  setStats(stats: HubStats): void;
  setNotice(notice: string | null): void;
}

/** The store as the controller and components share it. */
export type DashboardStore = StoreApi<DashboardState>;

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
    rates: {},
    notice: null,

    setConnection: (connection) => set({ connection }),
    setRole: (role) => set({ role }),
    setProcesses: (list) =>
      set((s) => {
        // The list is the whole truth (a pid it leaves out is gone), except for a start time a
        // status message taught us while the process is still running.
        const old = new Map(s.processes.map((p) => [p.id, p]));
        return {
          processes: list.map((p) => {
            const known = old.get(p.id)?.startedAt;
            return p.startedAt === undefined && p.status === 'running' && known !== undefined ? { ...p, startedAt: known } : p;
          }),
        };
      }),
    patchProcesses: (patches) =>
      set((s) => {
        const list = s.processes.slice();
        const at = new Map(list.map((p, i) => [p.id, i]));
        for (const patch of patches) {
          const i = at.get(patch.id);
          if (i === undefined) {
            at.set(patch.id, list.length);
            list.push({ status: 'unknown', ...patch });
          } else {
            list[i] = { ...(list[i] as ProcessInfo), ...patch };
          }
        }
        return { processes: list };
      }),
    select: (selected) => set({ selected, tab: 'logs' }),
    setTab: (tab) => set({ tab }),
    bumpLogs: () => set((s) => ({ logVersion: s.logVersion + 1 })),
    setStats: (stats) =>
      set((s) => {
        const rates: Record<string, number[]> = {};
        for (const c of stats.channels) {
          const prev = s.rates[c.name] ?? [];
          rates[c.name] = [...prev.slice(-(RATE_HISTORY - 1)), c.ratePerSec];
        }
        return { stats, rates };
      }),
    setNotice: (notice) => set({ notice }),
    ...initial,
  }));
}
