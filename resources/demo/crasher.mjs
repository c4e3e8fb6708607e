// Demo: starts, works for a few seconds, then crashes with exit code 1; switchyard.yaml restarts
// it on failure with a growing delay.
const lifetimeMs = Number(process.env.CRASH_AFTER_MS ?? 4000);
console.log(`crasher: up (pid ${process.pid}), crashing in ${lifetimeMs / 1000} s`);
const timer = setInterval(() => console.log('crasher: working...'), 1000);
setTimeout(() => {
  clearInterval(timer);
  console.error('\x1b[31mError: simulated crash\x1b[0m\n    at crasher.mjs (demo)');
  process.exit(1);
}, lifetimeMs);
