/**
 * Switchyard's own credentials never reach a child process: a process that prints its environment
 * would hand them to every viewer. They are read once at start, then taken out of this process's
 * environment, so that nothing started later (processes, probes, the watchdog) can inherit them.
 */

/** Variables that hold Switchyard's credentials (the operator token, its file, an engine URL with a password). */
export const CREDENTIAL_VARIABLES = ['SWITCHYARD_TOKEN', 'SWITCHYARD_TOKEN_FILE', 'SWITCHYARD_ENGINE'] as const;

/** A copy of `env` without Switchyard's credentials. */
export function childEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const name of CREDENTIAL_VARIABLES) delete out[name];
  return out;
}

/** Remove the credentials from this process's own environment (call once the options are read). */
export function forgetCredentialVariables(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of CREDENTIAL_VARIABLES) delete env[name];
}
