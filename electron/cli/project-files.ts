/** What `switchyard up` runs in a folder: `switchyard.yaml` (or `.yml`, `.json`), else `Procfile`. */
import { statSync } from 'node:fs';
import { join } from 'node:path';

/** The config file names looked for, in order. */
export const CONFIG_NAMES = ['switchyard.yaml', 'switchyard.yml', 'switchyard.json'] as const;

/** The definitions found in a folder. */
export type ProjectFiles = { kind: 'config'; path: string } | { kind: 'procfile'; path: string };

/** The first config file of {@link CONFIG_NAMES}, else the Procfile; undefined when the folder has neither. */
export function findProjectFiles(dir: string): ProjectFiles | undefined {
  for (const name of CONFIG_NAMES) {
    const path = join(dir, name);
    if (isFile(path)) return { kind: 'config', path };
  }
  const procfile = join(dir, 'Procfile');
  return isFile(procfile) ? { kind: 'procfile', path: procfile } : undefined;
}

/** The one line `up` prints where there is nothing to run. */
export function nothingToRun(dir: string): string {
  return `nothing to run in ${dir}: create a Procfile (one "name: command" per line, e.g. "web: npm run dev") or a switchyard.yaml, or try \`switchyard --demo\``;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
