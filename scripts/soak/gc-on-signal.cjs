// Soak only, preloaded into the serve child (`node --expose-gc --require`): a full garbage
// collection on SIGUSR2, so that the soak compares memory before and after the run in the same
// state (garbage collected) instead of wherever V8's collector happened to be. serve is unchanged.
process.on('SIGUSR2', () => {
  if (typeof global.gc === 'function') global.gc();
});
