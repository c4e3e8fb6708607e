// The headless entry (`npm run serve -- [options]`): the same core as the desktop app with no
// window. Prints the two lines of the contract; SIGINT and SIGTERM stop every process group,
// close the hub, and exit 0.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forgetCredentialVariables } from '../core/credentials';
import { raiseOpenFileLimit } from '../core/open-file-limit';
import { startSwitchyard } from '../core/switchyard-app';
import { USAGE, parseCliOptions } from '../core/cli-options';
import { launchLines } from '../core/launch-lines';
import { resolveTokenInput } from '../core/token-input';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseCliOptions(process.argv.slice(2), process.env);
  } catch (err) {
    console.error(`switchyard: ${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  if (parsed.help) {
    console.log(USAGE);
    return;
  }
  const { options, warnings } = resolveTokenInput(parsed);
  // Read once; from here on nothing this process starts can inherit them (core/credentials.ts).
  forgetCredentialVariables();
  for (const warning of warnings) console.error(warning);
  const files = raiseOpenFileLimit();
  if (files && files.soft < 4096) console.error(`switchyard: only ${files.soft} open files allowed (ulimit -n); many clients or processes may fail`);
  // Under `npm run serve`, npm runs us in the package root: INIT_CWD is where the user was.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const app = await startSwitchyard({ ...options, appRoot, cwd, log: (line) => console.error(line) });
  for (const line of launchLines(app)) console.log(line);

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    console.error(`switchyard: ${signal}, stopping every process`);
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(`switchyard: shutdown failed: ${(err as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.on('SIGHUP', stop);
  // Last resort when something throws past everything: no child outlives us.
  process.on('exit', () => app.killAllSync());
}

main().catch((err: unknown) => {
  console.error(`switchyard: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
