// Demo: a one-shot job, like a database migration: a few steps, then exit 0. The web server
// depends on it being `completed` (switchyard.yaml), so it starts only after the last step.
const steps = ['checking schema', 'applying 2 migrations', 'seeding demo data'];
let i = 0;
const timer = setInterval(() => {
  if (i < steps.length) return console.log(`setup: ${steps[i++]}`);
  clearInterval(timer);
  console.log('setup: done');
}, 400);
