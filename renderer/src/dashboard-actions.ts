/** What the dashboard's components may ask of the hub, as the controller carries it out. */
import type { LogsReadParams, LogsReadResult, LogsSearchParams, LogsSearchResult } from '../../shared/protocol/payloads/logs';
import type { Role } from './state/dashboard-store';

/** A login link as `hub.loginLink` answers it. */
export interface LoginLinkInfo {
  url: string;
  /** ISO time the link stops working, when the hub says. */
  expiresAt?: string;
}

/** The operators' and viewers' actions, as components call them. */
export interface DashboardActions {
  startProcess(id: string): Promise<boolean>;
  stopProcess(id: string): Promise<boolean>;
  restartProcess(id: string): Promise<boolean>;
  addProcess(id: string, command: string): Promise<boolean>;
  /** Remove a process added at run time (`process.remove`). */
  removeProcess(id: string): Promise<boolean>;
  /** A one-time login link for a role, or null when the hub refused. */
  loginLink(role: Role): Promise<LoginLinkInfo | null>;
  disconnectClient(clientId: string): Promise<boolean>;
  clearLogs(processId: string): void;
  /** Stored lines (`logs.read`); rejects with the hub's error code (`unknown_method` where nothing is stored). */
  readLogs?(params: LogsReadParams): Promise<LogsReadResult>;
  /** Search the stored lines (`logs.search`). */
  searchLogs?(params: LogsSearchParams): Promise<LogsSearchResult>;
  /** Reconnect now instead of waiting for the next attempt. */
  retryNow(): void;
}
