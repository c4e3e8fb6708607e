// Demo: a process that talks on both streams; its stderr lines arrive marked as stderr.
let n = 0;
console.log('warnings: watching the disk');
setInterval(() => {
  n++;
  if (n % 3 === 1) console.error(`warning: disk usage at ${80 + (n % 15)}% on /var (stderr)`);
  else console.log(`checked /var (${n})`);
}, 1000);
