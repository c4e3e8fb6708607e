/**
 * Alerts and the audit record into the store: the latest of each from `alerts.list` and
 * `audit.list` at every connect, and each new one as it comes on the `alerts` and `audit`
 * channels. Everything is read with the shared schemas; what they refuse is skipped.
 */
import { ALERTS_CHANNEL, AUDIT_CHANNEL, AlertEventSchema, AuditEventSchema, METHODS, type AlertEvent, type Message } from '../../../shared/protocol';
import type { HubConnection } from '../connection/hub-connection';
import type { DashboardStore } from './dashboard-store';

/** Options of {@link EventFeed}. */
export interface EventFeedOptions {
  timeoutMs: number;
  /** Hears each alert new to this page that arrived on the channel (not the list at connect). */
  onLiveAlert?: (alert: AlertEvent) => void;
}

/** See the file comment. */
export class EventFeed {
  private readonly cleanups: Array<() => void> = [];

  constructor(
    private readonly conn: HubConnection,
    private readonly store: DashboardStore,
    private readonly options: EventFeedOptions,
  ) {}

  /** Subscribe; load the lists at every connect. */
  start(): void {
    this.cleanups.push(
      this.conn.subscribe(ALERTS_CHANNEL, (m) => this.onAlert(m)),
      this.conn.subscribe(AUDIT_CHANNEL, (m) => {
        const entry = AuditEventSchema.safeParse(m.data);
        if (m.type === 'event' && entry.success) this.store.getState().addAudit([entry.data]);
      }),
      this.conn.onStatus((s) => {
        if (s.kind === 'connected') void this.load();
      }),
    );
  }

  /** Unsubscribe; twice is harmless. */
  close(): void {
    for (const off of this.cleanups.splice(0)) off();
  }

  private onAlert(m: Message): void {
    const parsed = AlertEventSchema.safeParse(m.data);
    if (m.type !== 'event' || !parsed.success) return;
    const before = this.store.getState().alerts;
    this.store.getState().addAlerts([parsed.data]);
    if (this.store.getState().alerts !== before) this.options.onLiveAlert?.(parsed.data);
  }

  private async load(): Promise<void> {
    const opts = { timeoutMs: this.options.timeoutMs };
    const [alerts, audit] = await Promise.allSettled([this.conn.request('alerts.list', undefined, opts), this.conn.request('audit.list', undefined, opts)]);
    if (alerts.status === 'fulfilled') {
      const parsed = METHODS['alerts.list'].result.safeParse(alerts.value);
      if (parsed.success) this.store.getState().addAlerts(parsed.data.alerts, parsed.data.counters);
    }
    if (audit.status === 'fulfilled') {
      const parsed = METHODS['audit.list'].result.safeParse(audit.value);
      if (parsed.success) this.store.getState().addAudit(parsed.data.entries);
    }
    // A hub without these methods (an older one) simply has no history to show.
  }
}
