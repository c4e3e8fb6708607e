/**
 * Events published on the hub's own channels beside `processes`: alerts on `alerts` and the
 * record of control actions on `audit` (both `event` messages, retained like any channel).
 */
import { z } from 'zod';
import { LevelSchema } from './logs';
import { RoleSchema } from './hub';

/** The `on` words of alert rules. */
export const ALERT_RULES = ['crash', 'exit', 'gave_up', 'unhealthy', 'match', 'silence'] as const;
export const AlertRuleKindSchema = z.enum(ALERT_RULES);
export type AlertRuleKind = z.infer<typeof AlertRuleKindSchema>;

/** One alert on the `alerts` channel. */
export const AlertEventSchema = z.strictObject({
  kind: z.literal('alert'),
  /** The rule's `on` word. */
  rule: AlertRuleKindSchema,
  /** The rule's index in the config's `alerts` list (the default set counts from 0 too). */
  ruleIndex: z.number().int(),
  process: z.string(),
  message: z.string(),
  /** ISO time of the event. */
  time: z.string(),
  /** Events of this rule and process folded into this alert by the throttle (1 when alone). */
  count: z.number().int(),
  /** For `match`: the line's level, when it had one. */
  level: z.optional(LevelSchema),
});
export type AlertEvent = z.infer<typeof AlertEventSchema>;

/** Most alerts `alerts.list` answers (the latest), from one node or merged across nodes. */
export const ALERTS_KEPT = 200;
/** Most entries `audit.list` answers (the latest), from one node or merged across nodes. */
export const AUDIT_KEPT = 500;

/** What the alert engine counts (`alerts.list`): nothing it drops or fails to deliver is silent. */
export const AlertCountersSchema = z.strictObject({
  /** Alerts published on `alerts`. */
  published: z.number().int(),
  /** Events folded into a later alert by the throttle. */
  throttled: z.number().int(),
  /** Webhook posts answered with a 2xx. */
  webhookSent: z.number().int(),
  /** Webhook attempts that failed (timeout, refused, non-2xx), retries included. */
  webhookFailures: z.number().int(),
  /** Alerts given up for a webhook after the last retry, or dropped because its queue was full. */
  webhookDropped: z.number().int(),
});
export type AlertCounters = z.infer<typeof AlertCountersSchema>;

/** Control actions recorded on `audit`. */
export const AUDIT_ACTIONS = [
  'process.start',
  'process.stop',
  'process.restart',
  'process.add',
  'process.remove',
  'process.input',
  'process.resize',
  'hub.disconnect',
  'hub.loginLink',
  'hub.revokeSessions',
] as const;
export const AuditActionSchema = z.enum(AUDIT_ACTIONS);
export type AuditAction = z.infer<typeof AuditActionSchema>;

/** One control action: who did what to what, and when. Never the content of terminal input. */
export const AuditEventSchema = z.strictObject({
  kind: z.literal('audit'),
  action: AuditActionSchema,
  /** The process, client or role acted on. */
  target: z.string(),
  userId: z.string(),
  role: RoleSchema,
  clientId: z.string(),
  /** ISO time. */
  time: z.string(),
  /** Whether the action succeeded. */
  ok: z.boolean(),
  /** A short detail (an error code, the byte count of input, a size), never a secret or keystrokes. */
  detail: z.optional(z.string()),
});
export type AuditEvent = z.infer<typeof AuditEventSchema>;
