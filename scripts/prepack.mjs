// prepack (`npm pack`, `npm publish`): build out/ so that the package ships the dashboard and the
// CLI ready to run (no build step where it is installed), and leave the clone-only `prepare`
// script (it fetches a clone's Electron binary) out of the packed package.json, or every
// `npm install -g` would warn about an install script to allow. postpack.mjs puts it back.
// SWITCHYARD_SKIP_BUILD: the tests build once up front and must not rewrite out/ under other tests.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!process.env.SWITCHYARD_SKIP_BUILD) {
  const run = spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
if (process.argv.includes('--build-only')) process.exit(0);

const manifest = join(root, 'package.json');
const original = join(root, 'package.json.prepack');
// A pack that died before postpack left the original aside: put it back first.
if (existsSync(original)) renameSync(original, manifest);
const text = readFileSync(manifest, 'utf8');
const pkg = JSON.parse(text);
if (pkg.scripts?.prepare) {
  writeFileSync(original, text);
  delete pkg.scripts.prepare;
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`);
}
