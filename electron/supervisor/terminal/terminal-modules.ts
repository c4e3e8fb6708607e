/**
 * The terminal packages, loaded on first use: a project without `tty: true` never loads the
 * native pty module, and a machine where it cannot load (an unsupported platform, an install
 * with `--omit=optional`) still runs every other process; the tty process fails with the reason.
 *
 * They are CommonJS packages in "dependencies", so the main bundle keeps them external and Node
 * loads them from node_modules at run time (@xterm/headless names a missing ES module in its
 * package.json, which an ES import would trip over).
 */
import { createRequire } from 'node:module';
import type * as NodePtyModule from '@lydell/node-pty';
import type * as HeadlessModule from '@xterm/headless';
import type * as SerializeModule from '@xterm/addon-serialize';

type NodePty = typeof NodePtyModule;
type Headless = typeof HeadlessModule;
type Serialize = typeof SerializeModule;

const load = createRequire(import.meta.url);
let pty: NodePty | null = null;
let headless: { Terminal: Headless['Terminal']; SerializeAddon: Serialize['SerializeAddon'] } | null = null;

/** node-pty; throws an Error whose message says why it cannot load. */
export function nodePty(): NodePty {
  if (pty) return pty;
  try {
    pty = load('@lydell/node-pty') as NodePty;
  } catch (err) {
    throw new Error(`pseudo-terminals are unavailable: ${firstLine(err)}`);
  }
  return pty;
}

/** The headless terminal and its serialize addon (plain JavaScript: these load wherever Node runs). */
export function xtermHeadless(): NonNullable<typeof headless> {
  headless ??= {
    Terminal: (load('@xterm/headless') as Headless).Terminal,
    SerializeAddon: (load('@xterm/addon-serialize') as Serialize).SerializeAddon,
  };
  return headless;
}

function firstLine(err: unknown): string {
  return String(err instanceof Error ? err.message : err).split('\n')[0] ?? 'unknown error';
}
