/** The process supervisor: definitions (Procfile, config file), the Supervisor and its parts. */
export { Supervisor, type ProcessMetrics, type SupervisorOptions } from './supervisor';
export type { ProcessInfo } from '../../shared/protocol';
export {
  DEFAULT_RESTART,
  DEFAULT_STOP_GRACE_MS,
  DefinitionError,
  restartPolicyOf,
  validateDefinition,
  type ProcessDefinition,
  type RestartMode,
  type RestartPolicy,
} from './process-definition';
export { loadProcfile, parseProcfile, type LoadProcfileOptions } from './procfile';
export { loadConfig, parseConfig, type LoadConfigOptions } from './config-file';
export { OutputSplitter, type OutputSplitterOptions } from './output-splitter';
export { Watchdog } from './watchdog';
export { checkDependencies } from './dependency-graph';
export type { ProbeSpec, WatchSpec } from './orchestration-definition';
