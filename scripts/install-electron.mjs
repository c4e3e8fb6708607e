// prepare (`npm install` in a clone): fetch the Electron binary through electron's own installer, but never fail
// `npm install` when the download is impossible (offline, blocked). package.json disables
// electron's own postinstall (allowScripts) so that this script decides what a failure means.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ownModules = join(dirname(fileURLToPath(import.meta.url)), '..', 'node_modules');
let installer;
try {
  installer = join(dirname(require.resolve('electron/package.json')), 'install.js');
} catch {
  process.exit(0); // production install without devDependencies: nothing to do
}
// An installed switchyard (`npm install -g`) may resolve an electron package beside it; that one
// is the user's to manage: only a clone's own devDependency is fetched here.
if (!installer.startsWith(ownModules)) process.exit(0);
const pathFile = join(dirname(installer), 'path.txt');
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || existsSync(pathFile)) process.exit(0);

const run = spawnSync(process.execPath, [installer], { stdio: 'pipe', timeout: 180_000 });
if (run.status === 0 && existsSync(pathFile)) {
  console.log('switchyard: Electron binary installed; `npm start` opens the desktop window.');
} else {
  console.log(
    'switchyard: the Electron binary could not be downloaded, so the desktop window is unavailable ' +
      '(`npm start` runs serve mode instead); retry with `node node_modules/electron/install.js`.',
  );
}
process.exit(0);
