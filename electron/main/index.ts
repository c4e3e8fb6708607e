// The Electron main process entry: the core (hub, supervisor, HTTP) and one hardened window on
// it. Everything here is wiring; the behaviour lives in desktop-app.ts and the core.
import { app } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forgetCredentialVariables } from '../core/credentials';
import { raiseOpenFileLimit } from '../core/open-file-limit';
import { startSwitchyard, type RunningSwitchyard } from '../core/switchyard-app';
import { parseCliOptions } from '../core/cli-options';
import { launchLines } from '../core/launch-lines';
import { resolveTokenInput } from '../core/token-input';
import { runDesktopApp } from './desktop-app';

const here = dirname(fileURLToPath(import.meta.url));
const appRoot = join(here, '../..');
let running: RunningSwitchyard | undefined;

runDesktopApp(
  async () => {
    const { options, warnings } = resolveTokenInput(parseCliOptions(process.argv.slice(app.isPackaged ? 1 : 2), process.env, { ignoreUnknown: true }));
    forgetCredentialVariables();
    for (const warning of warnings) console.error(warning);
    raiseOpenFileLimit();
    running = await startSwitchyard({ ...options, appRoot, cwd: process.env.INIT_CWD ?? process.cwd(), shell: 'window', log: (line) => console.error(line) });
    for (const line of launchLines(running)) console.log(line);
    return running;
  },
  { preload: join(here, '../preload/index.cjs'), icon: join(appRoot, 'resources', 'icon.png') },
);

// A signal quits like the window's close (processes stopped first); exit is the last resort.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());
process.on('exit', () => running?.killAllSync());
