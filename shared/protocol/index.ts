/** The wire protocol: the one source of truth for the hub, the client, the CLI and the UI. */
export * from './messages';
export * from './channels';
export * from './process-ref';
export * from './codec';
export type { RequestId } from './request-id';
export * from './payloads/process';
export * from './payloads/hub';
export * from './payloads/logs';
export * from './payloads/events';
export * from './payloads/terminal';
export * from './error-codes';
export * from './method-map';
export * from './payloads/history';
