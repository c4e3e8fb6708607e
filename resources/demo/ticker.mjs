// Demo: a steady ticker, one line per second; stops cleanly on SIGINT (its stop signal in the config).
let n = 0;
const timer = setInterval(() => console.log(`tick ${++n}`), 1000);
const stop = (signal) => {
  clearInterval(timer);
  console.log(`ticker: ${signal} received after ${n} ticks, bye`);
  process.exit(0);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
