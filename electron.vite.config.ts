import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Three builds: the main process (with the headless serve entry and the `switchyard` command
// beside it, so that serve mode and the CLI run the very same bundle in plain Node), the preload as CommonJS (a sandboxed preload
// cannot be an ES module), and the renderer served by both the window and the hub's HTTP port.
// BENCH_SOURCEMAP=1 (set by `npm run bench -- --profile`) adds source maps, so that profiles of
// the bundles name the source files and lines (bench/profile-summary.mjs reads them).
const sourcemap = process.env.BENCH_SOURCEMAP === '1';
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      // zod is bundled (tree-shaken) rather than loaded whole from node_modules: the hub's heap at
      // rest was 10.5 MB against round one's 4.7, every full collection walks it, and its pauses set
      // the 10,000/s latency's p99 (bench/README.md, "What the profiles show").
      externalizeDeps: { exclude: ['zod'] },
      sourcemap,
      rolldownOptions: {
        input: {
          index: resolve('electron/main/index.ts'),
          serve: resolve('electron/serve/index.ts'),
          cli: resolve('electron/cli/index.ts'),
          bench: resolve('bench/hub-entry.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rolldownOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    build: {
      outDir: 'out/renderer',
      sourcemap,
      // electron-vite leaves every build unminified; the page is also served to browsers, and parsing
      // 0.8 MB instead of 0.25 MB delays the first paint.
      minify: true,
      rolldownOptions: { input: { index: resolve('renderer/index.html') } },
    },
    plugins: [react()],
  },
});
