/**
 * Procfile loading, as Foreman and honcho read it: `name: command` lines, `#` comments and blank
 * lines, names of `[A-Za-z0-9_-]+`. A `.env` beside the Procfile is parsed with dotenv into every
 * process's `env` (never into this process's `process.env`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { DefinitionError, type ProcessDefinition } from './process-definition';

const LINE_RE = /^([A-Za-z0-9_-]+)[ \t]*:[ \t]*(.*)$/;

/** Parse Procfile text; `file` names the source in errors. Throws {@link DefinitionError}. */
export function parseProcfile(text: string, file = 'Procfile'): ProcessDefinition[] {
  const defs: ProcessDefinition[] = [];
  const seen = new Set<string>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const m = LINE_RE.exec(line);
    if (!m) {
      throw new DefinitionError(`${file}:${i + 1}: expected "name: command" with a name of A-Z a-z 0-9 _ -, got ${JSON.stringify(line.slice(0, 80))}`);
    }
    const id = m[1] as string;
    const command = (m[2] as string).trim();
    if (id.length > 100) throw new DefinitionError(`${file}:${i + 1}: process "${id.slice(0, 40)}…": name longer than 100 characters`);
    if (command === '') throw new DefinitionError(`${file}:${i + 1}: process "${id}": empty command`);
    if (seen.has(id)) throw new DefinitionError(`${file}:${i + 1}: process "${id}": defined twice`);
    seen.add(id);
    defs.push({ id, command });
  }
  return defs;
}

/** Options of {@link loadProcfile}. */
export interface LoadProcfileOptions {
  /** Read `.env` beside the Procfile (when it exists). Default true. */
  dotenv?: boolean;
}

/**
 * Read a Procfile and the `.env` beside it. Each process gets `cwd` = the Procfile's folder (as
 * Foreman runs from there) and `env` = the `.env` values. Throws {@link DefinitionError} or the
 * file system's error when the Procfile cannot be read.
 */
export function loadProcfile(path: string, options: LoadProcfileOptions = {}): ProcessDefinition[] {
  const dir = dirname(path);
  const defs = parseProcfile(readFileSync(path, 'utf8'), path);
  const envPath = join(dir, '.env');
  const env = options.dotenv !== false && existsSync(envPath) ? parseDotenv(readFileSync(envPath)) : {};
  return defs.map((def) => ({ ...def, cwd: dir, ...(Object.keys(env).length > 0 ? { env: { ...env } } : {}) }));
}
