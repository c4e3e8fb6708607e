/**
 * The token file: the operator token written for scripts on the same machine, readable by the
 * user alone (mode 0600, in a 0700 folder), never printed. Removed again when serve stops.
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** Default token file for a hub port: `$XDG_RUNTIME_DIR/switchyard/hub-PORT.token`, else under `~/.switchyard/`. */
export function defaultTokenFile(port: number, env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_RUNTIME_DIR ? join(env.XDG_RUNTIME_DIR, 'switchyard') : join(homedir(), '.switchyard');
  return join(base, `hub-${port}.token`);
}

/** Write the token with owner-only permissions; returns the path. */
export function writeTokenFile(path: string, token: string): string {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // Create with 0600 and chmod again: an existing file keeps its old mode on overwrite.
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  return path;
}

/** Remove the token file; a missing file is fine. */
export function removeTokenFile(path: string): void {
  rmSync(path, { force: true });
}
