// What the built entries load before they run: the Redis client only when `--engine` asks for
// it. Every full collection of the hub's heap walks what is loaded, and those pauses set the
// latency tail at 10,000 msg/s (bench/README.md); ioredis alone is 2.4 MB of it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '../../out/main');

/** Every file an entry imports, itself included (relative imports of the bundle): static ones only, or dynamic ones too. */
function importGraph(entry: string, dynamic = false): Map<string, string> {
  const seen = new Map<string, string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    // `import … from "./x.js"` and bare `import "./x.js"`; `import("./x.js")` only when `dynamic`.
    for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*["'](\.[^"']+)["']|^\s*import\s*["'](\.[^"']+)["']/gm)) {
      visit(join(dirname(file), (m[1] ?? m[2]) as string));
    }
    if (dynamic) for (const m of text.matchAll(/import\(["'](\.[^"']+)["']\)/g)) visit(join(dirname(file), m[1] as string));
  };
  visit(entry);
  return seen;
}

describe('the built entries', () => {
  // The command (cli.js) starts serve.js as a child for `up`; the other two run a hub themselves.
  for (const name of ['serve.js', 'index.js', 'cli.js']) {
    it(`${name} loads the Redis client only on demand`, () => {
      const entry = join(OUT, name);
      expect(existsSync(entry), `${entry} is built by the test setup`).toBe(true);
      const graph = importGraph(entry);
      expect(graph.size).toBeGreaterThan(1); // the walk follows the chunks
      for (const [file, text] of graph) expect(/from\s*["']ioredis["']/.test(text), `${file} imports ioredis statically`).toBe(false);
      // ... and it is still there for `--engine redis://…`, behind a dynamic import.
      if (name !== 'cli.js') expect([...importGraph(entry, true).values()].some((text) => /from\s*["']ioredis["']/.test(text))).toBe(true);
    });
  }
});
