// The last line of `npm test`: one plain count over every runner (Vitest, Playwright), from the
// JSON reports they wrote to artifacts/. Exits 1 if a report is missing or counts a failure.
import { existsSync, readFileSync } from 'node:fs';

const read = (path) => (existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null);
const vitest = read('artifacts/vitest.json');
const playwright = read('artifacts/playwright.json');
if (!vitest || !playwright) {
  console.error('test summary: a runner wrote no report (artifacts/vitest.json, artifacts/playwright.json)');
  process.exit(1);
}
const passed = vitest.numPassedTests + playwright.stats.expected + playwright.stats.flaky;
const failed = vitest.numFailedTests + playwright.stats.unexpected;
const skipped = vitest.numPendingTests + vitest.numTodoTests + playwright.stats.skipped;
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
// Never a silent skip: each skipped test with its reason (a suite title's "(skipped: …)", or the
// Playwright annotation), grouped.
const reasons = new Map();
const note = (reason, name) => reasons.set(reason, [...(reasons.get(reason) ?? []), name]);
for (const file of vitest.testResults ?? []) {
  for (const t of file.assertionResults ?? []) {
    if (t.status === 'passed' || t.status === 'failed') continue;
    const titled = [...(t.ancestorTitles ?? [])].reverse().find((title) => /\(skipped: /.test(title));
    note(titled ? titled.replace(/^.*\(skipped: (.*)\)$/, '$1') : 'skipped in the test file', t.fullName ?? t.title);
  }
}
const walk = (suite) => {
  for (const spec of suite.specs ?? [])
    for (const t of spec.tests ?? [])
      if (t.status === 'skipped') note(t.annotations?.find((a) => a.type === 'skip')?.description ?? 'skipped', spec.title);
  for (const child of suite.suites ?? []) walk(child);
};
for (const suite of playwright.suites ?? []) walk(suite);
for (const [reason, names] of reasons) console.log(`  skipped ${names.length}: ${reason} (${names.slice(0, 3).join('; ')}${names.length > 3 ? '; …' : ''})`);
process.exit(failed > 0 ? 1 : 0);
