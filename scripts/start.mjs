// `npm start`: build, then open the desktop window; without an Electron binary, say why in one
// line and run serve mode instead, so that the dashboard still works in a browser.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electron-binary.mjs';

// npm runs scripts in the package root; INIT_CWD is where the user typed `npm start`, and so
// where `./Procfile` is looked for (the core reads it from the environment).
const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const args = process.argv.slice(2);
// SWITCHYARD_SKIP_BUILD: the tests build once up front, and must not rewrite out/ under other tests.
const build = process.env.SWITCHYARD_SKIP_BUILD ? { status: 0 } : spawnSync(process.execPath, [join(root, 'node_modules/electron-vite/bin/electron-vite.js'), 'build', '--logLevel', 'warn'], { stdio: 'inherit', cwd: root });
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = findElectronBinary();
let child;
if ('path' in electron) {
  child = spawn(electron.path, [root, ...args], { stdio: 'inherit' });
} else {
  console.log(`switchyard: no desktop window (${electron.reason}); running serve mode instead, open the Dashboard link below.`);
  child = spawn(process.execPath, [join(root, 'out/main/serve.js'), ...args], { stdio: 'inherit' });
}
// Forward the signals that end us, so that the app stops its processes before it exits.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
