/** Level filter chips with the number of held lines of each level; none pressed shows every line. */
import { LEVEL_CHIPS, type LevelChip } from './line-filter';

// One formatter: toLocaleString makes one per call, and the chips redraw with every batch.
const COUNT = new Intl.NumberFormat('en-US');

/** Props of {@link LevelChips}. */
export interface LevelChipsProps {
  /** Held lines per chip. */
  counts: Record<LevelChip, number>;
  selected: readonly LevelChip[];
  onChange(levels: LevelChip[]): void;
}

/** error, warn, info and debug (with trace) as toggles. */
export function LevelChips({ counts, selected, onChange }: LevelChipsProps) {
  return (
    <div className="level-chips" role="group" aria-label="Level filter">
      {LEVEL_CHIPS.map((level) => {
        const on = selected.includes(level);
        return (
          <button
            key={level}
            type="button"
            className={`level-chip level-chip-${level}${on ? ' on' : ''}`}
            aria-pressed={on}
            aria-label={`Show ${level} lines (${counts[level]})`}
            data-testid={`level-chip-${level}`}
            onClick={() => onChange(on ? selected.filter((l) => l !== level) : [...selected, level])}
          >
            {level} <span className="level-count">{COUNT.format(counts[level])}</span>
          </button>
        );
      })}
    </div>
  );
}
