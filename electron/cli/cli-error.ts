/** A failure the CLI reports in one line (`switchyard: <message>`) and exits with. */
export class CliError extends Error {
  /** The exit status: 1 for a failure, 2 for a usage error. */
  readonly exitCode: number;
  /** The hub's error code, when the failure is a method's answer (`not_found`, `unknown_method`, …). */
  readonly code?: string;

  constructor(message: string, exitCode = 1, code?: string) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
    if (code !== undefined) this.code = code;
  }
}
