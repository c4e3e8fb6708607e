#!/usr/bin/env node
// The `switchyard` command: the CLI is built into out/main/cli.js (shipped in the package; in a
// clone, `npm run build` makes it).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  console.error('switchyard: not built yet: run `npm run build` in this clone first');
  process.exit(1);
}
await import(cli.href);
