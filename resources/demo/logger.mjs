// Demo: a coloured application log, a few lines per second (ANSI colours kept end to end).
const levels = [
  ['\x1b[32mINFO \x1b[0m', ['request served in 12 ms', 'cache warmed', 'user signed in', 'job queued']],
  ['\x1b[36mDEBUG\x1b[0m', ['pool size 4/16', 'config reloaded', 'heartbeat ok']],
  ['\x1b[33mWARN \x1b[0m', ['slow query (830 ms)', 'retrying upstream']],
  ['\x1b[1;31mERROR\x1b[0m', ['upstream returned 502']],
];
let n = 0;
const pick = (list) => list[Math.floor(Math.random() * list.length)];
setInterval(() => {
  n++;
  const [level, messages] = n % 17 === 0 ? levels[3] : n % 7 === 0 ? levels[2] : pick(levels.slice(0, 2));
  const time = new Date().toISOString().slice(11, 23);
  console.log(`\x1b[2m${time}\x1b[0m ${level} \x1b[35mapp\x1b[0m ${pick(messages)} \x1b[2m#${n}\x1b[0m`);
}, 300);
