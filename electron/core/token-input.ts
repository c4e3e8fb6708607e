/**
 * Where the launch token comes from besides argv, which every local user can read in `ps`:
 * `--token-stdin` (the first line of stdin), an existing `--token-file` of the user's (read and left
 * in place), or `SWITCHYARD_TOKEN` (the environment, readable only by the user). `--token` still
 * works and is warned about.
 */
import { lstatSync, readFileSync } from 'node:fs';
import { readPrivateFile } from '../platform/private-files';
import type { CliOptions } from './cli-options';

/** What the entry needs beyond argv. */
export interface TokenInputIo {
  /** Everything on stdin (read only for `--token-stdin`). Default: fd 0, read to its end. */
  readStdin?: () => string;
  /** Whether a file exists. Default: it can be stat'ed. */
  exists?: (path: string) => boolean;
}

/** The options with the token filled in, and warnings to print. */
export interface ResolvedToken {
  options: CliOptions & { tokenFromFile?: boolean };
  warnings: string[];
}

/** The warning printed when the token is on the command line. */
export const TOKEN_FLAG_WARNING =
  'switchyard: warning: --token is readable by every local user (`ps`); pass it with --token-stdin, --token-file FILE or SWITCHYARD_TOKEN instead';

/** Fill in the token from stdin or an existing token file. Throws an Error a user can act on. */
export function resolveTokenInput(options: CliOptions, io: TokenInputIo = {}): ResolvedToken {
  const warnings: string[] = [];
  if (options.tokenSource === 'flag') warnings.push(TOKEN_FLAG_WARNING);
  if (options.tokenStdin) return { options: { ...options, token: tokenFromStdin(io.readStdin) }, warnings };
  const file = options.tokenFile;
  if (options.token === undefined && file && (io.exists ?? defaultExists)(file)) {
    let text: string;
    try {
      text = readPrivateFile(file);
    } catch (err) {
      throw new Error(`--token-file ${file}: ${(err as Error).message}`, { cause: err });
    }
    return { options: { ...options, token: checkToken(text.split(/\r?\n/)[0]?.trim() ?? '', `--token-file ${file}`), tokenFromFile: true }, warnings };
  }
  return { options, warnings };
}

/** The token on the first line of stdin (`--token-stdin`). Throws when there is none. */
export function tokenFromStdin(readStdin: () => string = () => readFileSync(0, 'utf8')): string {
  return checkToken(readStdin().split(/\r?\n/)[0]?.trim() ?? '', '--token-stdin: stdin');
}

function checkToken(token: string, where: string): string {
  if (token === '') throw new Error(`${where} holds no token`);
  if (token.length < 8) throw new Error(`${where}: the token must be at least 8 characters`);
  return token;
}

/** lstat, not stat: a symlink at the path "exists" and is then refused by readPrivateFile. */
function defaultExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}
