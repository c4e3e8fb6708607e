// Electronegativity over the built main process and preload: any HIGH finding fails `npm test`.
// Runs on a copy of out/main and out/preload (the renderer is a plain web page, checked by CSP).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const input = process.argv[2] ?? 'out';
for (const part of ['main', 'preload']) {
  if (!existsSync(join(input, part))) {
    console.error(`electronegativity: ${join(input, part)} is missing; run \`npm run build\` first`);
    process.exit(1);
  }
}
const electronVersion = createRequire(import.meta.url)('electron/package.json').version;
const work = mkdtempSync(join(tmpdir(), 'switchyard-eneg-'));
try {
  cpSync(join(input, 'main'), join(work, 'main'), { recursive: true });
  cpSync(join(input, 'preload'), join(work, 'preload'), { recursive: true });
  const report = join(work, 'report.csv');
  const bin = join('node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
  const run = spawnSync(process.execPath, [bin, '-i', work, '-o', report, '-r', '-v', 'false', '-e', electronVersion], { encoding: 'utf8' });
  if (!existsSync(report)) {
    console.error(`electronegativity did not run:\n${run.stdout}\n${run.stderr}`);
    process.exit(1);
  }
  const rows = readFileSync(report, 'utf8').trim().split('\n').slice(1).filter(Boolean).map(csvFields);
  const counts = {};
  for (const [, severity] of rows) counts[severity] = (counts[severity] ?? 0) + 1;
  const high = rows.filter(([, severity]) => severity === 'HIGH');
  console.log(`electronegativity (Electron ${electronVersion}): ${rows.length} findings ${JSON.stringify(counts)}`);
  for (const [issue, severity, confidence, file, location] of rows) console.log(`  ${severity} ${issue} (${confidence}) ${file}:${location}`);
  if (high.length > 0) {
    console.error(`electronegativity: ${high.length} HIGH finding(s); fix them before landing`);
    process.exit(1);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}

/** The fields of one CSV line (double-quoted fields may hold commas). */
function csvFields(line) {
  const fields = [];
  let field = '';
  let quoted = false;
  for (const ch of line) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      fields.push(field.trim());
      field = '';
    } else field += ch;
  }
  fields.push(field.trim());
  return fields;
}
