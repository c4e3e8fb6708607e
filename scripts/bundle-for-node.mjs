/**
 * Bundle one TypeScript entry into a single ES module plain Node can run, with the vite that is
 * already installed (Node 20 cannot strip types). For child-process test fixtures and benchmark
 * scenarios that need a room's code outside Vitest. Only Node built-ins stay external, so the
 * bundle runs from any folder (a temporary one of a test).
 */
import { builtinModules } from 'node:module';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Bundle `entry` (relative to the repository) into `outDir`; resolves with the output file's path. */
export async function bundleForNode(entry, outDir) {
  const { build } = await import('vite');
  const name = basename(entry, extname(entry));
  const external = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  await build({
    root: ROOT,
    configFile: false,
    logLevel: 'warn',
    // Bundle the packages too (an SSR build leaves them external by default).
    ssr: { noExternal: true, target: 'node' },
    build: {
      ssr: resolve(ROOT, entry),
      outDir,
      emptyOutDir: false,
      minify: false,
      target: 'node20',
      rolldownOptions: { external: (id) => external.has(id), output: { format: 'es', entryFileNames: `${name}.mjs` } },
    },
  });
  return join(outDir, `${name}.mjs`);
}
