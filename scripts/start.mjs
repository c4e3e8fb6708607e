// `npm start`: build, then open the desktop window; without an Electron binary, say why in one
// line and run serve mode instead, so that the dashboard still works in a browser.
import { spawn, spawnSync } from 'node:child_process';
import { findElectronBinary } from './electron-binary.mjs';

const args = process.argv.slice(2);
const build = spawnSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);

const electron = findElectronBinary();
let child;
if ('path' in electron) {
  child = spawn(electron.path, ['.', ...args], { stdio: 'inherit' });
} else {
  console.log(`switchyard: no desktop window (${electron.reason}); running serve mode instead, open the Dashboard link below.`);
  child = spawn(process.execPath, ['out/main/serve.js', ...args], { stdio: 'inherit' });
}
// Forward the signals that end us, so that the app stops its processes before it exits.
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
