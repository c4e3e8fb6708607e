/** Alerts (rules, throttle, webhooks, the `alerts` channel) and the audit of control actions (the `audit` channel). */
export { Alerting, type AlertingOptions } from './alerting';
export { AlertEngine, type AlertEngineOptions, type AlertInputs, type AlertLine } from './alert-engine';
export { defaultAlertRules, loadAlertRules, parseAlertRules, type AlertRule } from './alert-rules';
export { AuditLog, type AuditLogOptions, type AuditSink } from './audit-log';
export { formatAuditEntry } from './audit-format';
export { tapHub } from './hub-tap';
export { WebhookSender, type WebhookSenderOptions } from './webhook-sender';
