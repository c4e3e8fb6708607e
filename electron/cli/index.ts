// The `switchyard` command's entry (bin/switchyard.mjs loads the built out/main/cli.js): run the
// command line with the real process's io and exit with its status.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processIo } from './cli-io';
import { runCli } from './program';

const appRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

void runCli(process.argv.slice(2), processIo(appRoot)).then((code) => {
  // Let stdout drain (a pipe is written asynchronously), then leave even if a socket lingers.
  process.exitCode = code;
  process.stdout.write('', () => process.exit(code));
});
