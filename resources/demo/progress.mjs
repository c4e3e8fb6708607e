// Demo: a `\r` progress bar that loops; Switchyard shows it as one line that updates in place.
const width = 30;
let pct = 0;
let round = 1;
process.stdout.write(`download #${round}\n`);
setInterval(() => {
  pct += 2;
  const filled = Math.round((pct / 100) * width);
  process.stdout.write(`\r\x1b[36m[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]\x1b[0m ${String(pct).padStart(3)}%`);
  if (pct >= 100) {
    process.stdout.write(`\n\x1b[32mdownload #${round} complete\x1b[0m\n`);
    pct = 0;
    round++;
    process.stdout.write(`download #${round}\n`);
  }
}, 80);
