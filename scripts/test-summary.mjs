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
process.exit(failed > 0 ? 1 : 0);
