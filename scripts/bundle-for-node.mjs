/**
 * Bundle one TypeScript entry into a single ES module plain Node can run, with the vite that is
 * already installed (Node 20 cannot strip types). For child-process test fixtures and benchmark
 * scenarios that need a room's code outside Vitest. Node built-ins and `dependencies` stay external.
 */
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Bundle `entry` (relative to the repository) into `outDir`; resolves with the output file's path. */
export async function bundleForNode(entry, outDir) {
  const { build } = await import('vite');
  const name = basename(entry, extname(entry));
  const deps = Object.keys(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).dependencies ?? {});
  const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...deps];
  await build({
    root: ROOT,
    configFile: false,
    logLevel: 'warn',
    build: {
      ssr: resolve(ROOT, entry),
      outDir,
      emptyOutDir: false,
      minify: false,
      target: 'node20',
      rolldownOptions: { external: (id) => external.includes(id) || deps.some((d) => id.startsWith(`${d}/`)), output: { format: 'es', entryFileNames: `${name}.mjs` } },
    },
  });
  return join(outDir, `${name}.mjs`);
}
