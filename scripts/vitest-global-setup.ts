// Vitest global setup: build the app once, so that the serve tests run the real bundle
// (`out/main/serve.js`, `out/renderer`) exactly as `npm run serve` does.
import { spawnSync } from 'node:child_process';

export default function setup(): void {
  if (process.env.SWITCHYARD_SKIP_BUILD) return;
  const run = spawnSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'error'], { stdio: 'inherit' });
  if (run.status !== 0) throw new Error('electron-vite build failed before the tests');
}
