/**
 * Alerts and audit as one piece for the core: the engine, the audit log, their methods
 * (`alerts.list`, `audit.list`, viewers too) and the wiring points.
 *
 * ```ts
 * const alerting = new Alerting({ rules: loadAlertRules(configPath) });
 * const hub = new Hub({ ..., onMethodCall: (call) => alerting.audit.onCall(call) });
 * alerting.attach(hub);                                    // publish into it, register the methods
 * const supervisor = new Supervisor({ hub: alerting.tap(hub), ... });   // statuses and lines feed the engine
 * alerting.engine.onAlert((a) => notify(a));               // the desktop window's notifications
 * ```
 */
import type { HubApi } from '../hub/hub-api';
import { AlertEngine, type AlertEngineOptions } from './alert-engine';
import { defaultAlertRules, type AlertRule } from './alert-rules';
import { AuditLog, type AuditLogOptions } from './audit-log';
import { tapHub } from './hub-tap';

/** Options of {@link Alerting}. */
export interface AlertingOptions extends Omit<AlertEngineOptions, 'rules' | 'publishEvent'> {
  /** The rules. Default {@link defaultAlertRules}. */
  rules?: readonly AlertRule[];
  /** Options of the audit log. */
  audit?: Omit<AuditLogOptions, 'publishEvent'>;
}

/** See the file comment. */
export class Alerting {
  readonly engine: AlertEngine;
  readonly audit: AuditLog;
  private hub: HubApi | null = null;

  constructor(options: AlertingOptions = {}) {
    this.engine = new AlertEngine({ ...options, rules: options.rules ?? defaultAlertRules(), publishEvent: (channel, data) => this.hub?.publishEvent(channel, data) });
    this.audit = new AuditLog(options.audit);
  }

  /** Publish into `hub` and register `alerts.list` and `audit.list` there. Once. */
  attach(hub: HubApi): void {
    if (this.hub) throw new Error('Alerting is already attached to a hub');
    this.hub = hub;
    this.audit.attach((channel, data) => hub.publishEvent(channel, data));
    // Both are in the method map (viewers may call them): their role and params come from there.
    hub.registerMethod('alerts.list', () => ({ alerts: this.engine.list(), counters: this.engine.counters() }));
    hub.registerMethod('audit.list', () => ({ entries: this.audit.list() }));
  }

  /** The hub as the supervisor should see it: the same hub, whose statuses and lines also reach the engine. */
  tap<H extends HubApi>(hub: H): H {
    return tapHub(hub, this.engine);
  }

  /** Stop timers and webhook posts; write out folded audit bursts. Twice is harmless. */
  close(): void {
    this.audit.close();
    this.engine.close();
  }
}
