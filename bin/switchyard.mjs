#!/usr/bin/env node
// The `switchyard` command: the CLI is built into out/main/cli.js, which the package ships. A
// clone builds it once here when it was never built (`npx switchyard`, `npm install -g .`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  const build = fileURLToPath(new URL('../scripts/prepack.mjs', import.meta.url));
  if (!existsSync(build)) {
    console.error('switchyard: this installation has no out/main/cli.js; reinstall the package');
    process.exit(1);
  }
  console.error('switchyard: building this clone once (npm run build)');
  const run = spawnSync(process.execPath, [build, '--build-only'], { stdio: 'inherit', env: { ...process.env, SWITCHYARD_SKIP_BUILD: '' } });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
await import(cli.href);
