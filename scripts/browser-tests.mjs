// The browser half of `npm test`: Playwright specs in Debian's Chromium (tests/e2e), and the
// Electron window specs (tests/electron), which report themselves skipped, with the reason,
// where no Electron binary exists. Runs under xvfb-run when there is no display and it exists.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findElectronBinary } from './electron-binary.mjs';

const chromium = process.env.SWITCHYARD_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(`browser tests need Chromium at ${chromium}: apt-get install -y chromium (or set SWITCHYARD_CHROMIUM)`);
  process.exit(1);
}
const electron = findElectronBinary();
if (!('path' in electron)) console.log(`Electron window tests (tests/electron): skipped: no Electron binary (${electron.reason})`);
const playwright = ['node_modules/@playwright/test/cli.js', 'test', ...process.argv.slice(2)];
const useXvfb = !process.env.DISPLAY && spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0;
const [cmd, args] = useXvfb ? ['xvfb-run', ['-a', process.execPath, ...playwright]] : [process.execPath, playwright];
const run = spawnSync(cmd, args, { stdio: 'inherit' });
process.exit(run.status ?? 1);
