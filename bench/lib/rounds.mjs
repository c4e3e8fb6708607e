/** Runs a measurement for every contender, round after round, and records skips and failures. */
import { profileAs } from './processes.mjs';

/**
 * For each run, for each contender (the starting contender rotates from run to run, so that no
 * contender always goes first on a machine still busy with the previous one), call
 * `measure(name, contender, run)`. A contender whose `skip()` gives a reason is skipped with it;
 * a measurement that throws is logged and leaves that run's values empty. `tag` names the
 * measurement for profiles (`<tag>-<contender>-run<N>`); `runsOf` gives some contenders fewer runs.
 */
export async function inRounds({ runs, contenders, log, onSkip, tag = 'bench', runsOf = {} }, measure) {
  const names = Object.keys(contenders);
  for (const [name, c] of Object.entries(contenders)) {
    const reason = c.skip?.();
    if (reason) onSkip?.(name, reason);
  }
  for (let run = 0; run < runs; run++) {
    for (let k = 0; k < names.length; k++) {
      const name = names[(k + run) % names.length];
      const contender = contenders[name];
      if (contender.skip?.() || run >= (runsOf[name] ?? runs)) continue;
      profileAs(`${tag}-${name}-run${run + 1}`);
      try {
        await measure(name, contender, run);
      } catch (err) {
        log(`  ${name} run ${run + 1}: failed: ${err.message.split('\n')[0]}`);
      }
    }
  }
}
