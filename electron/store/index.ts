/** Stored output: the log store, its methods, and what the supervisor writes through. */
export { LogStore, StoreLockedError, type LogStoreOptions, type LogStoreStats, type ProcessLogSink, type RunEnd } from './log-store';
export { registerLogMethods, type LogQueries, type MethodRegistrar } from './log-methods';
export { LogQueryError } from './query-error';
export { stateRoot, projectFolderName, PrivatePathError } from './state-dir';
export { AuditFile, AUDIT_FILE_NAME, type AuditFileOptions } from './audit-file';
