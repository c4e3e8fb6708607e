/**
 * Decides when a batch of new lines is redrawn. Live output (thousands of lines a second) is
 * redrawn with every batch, once per frame. A flood (over 20,000 lines a second), such as the replay of 100,000 retained lines
 * on connecting, is redrawn only every `floodIntervalMs`: each redraw costs a React render, a
 * layout and a paint whatever the batch size, and a hundred of them cost more than the lines.
 * The first batch is always drawn at once, so the first lines show as soon as they arrive. A
 * replay of history is a flood whatever its rate (drawing it line by line would slow it down
 * below any rate), and it is drawn in full as soon as it ends.
 */
import { realTimers, type Timers } from '../../../shared/timers';

/** Options of {@link RenderGate}. */
export interface RenderGateOptions {
  /**
   * Lines within one `floodIntervalMs` window from which output counts as a flood. Default 4,000
   * (20,000 lines a second): a rate, not a batch size, since a flood may well come as many small
   * batches, one per frame, each of which would be drawn.
   */
  floodLines?: number;
  /** Least time between two redraws during a flood, and the window the rate is counted in. Default 200 ms. */
  floodIntervalMs?: number;
  /**
   * Least time between two redraws while history is replayed. Default 500 ms: a replay is drawn
   * in full the moment it ends, and until then every redraw only slows it down.
   */
  backlogIntervalMs?: number;
  /** Clock. Default `Date.now`. */
  now?: () => number;
  /** Timer for the redraw that ends a flood. Default the global timers. */
  timers?: Timers;
}

/** Calls `render` for applied lines, at most once per `floodIntervalMs` while lines flood in. */
export class RenderGate {
  private readonly render: () => void;
  private readonly floodLines: number;
  private readonly floodIntervalMs: number;
  private readonly backlogIntervalMs: number;
  private readonly now: () => number;
  private readonly timers: NonNullable<RenderGateOptions['timers']>;
  private windowStart = Number.NEGATIVE_INFINITY;
  private windowLines = 0;
  private previousWindowLines = 0;
  private lastRender = Number.NEGATIVE_INFINITY;
  private backlog = false;
  private timer: unknown = undefined;

  constructor(render: () => void, options: RenderGateOptions = {}) {
    this.render = render;
    this.floodLines = options.floodLines ?? 4000;
    this.floodIntervalMs = options.floodIntervalMs ?? 200;
    this.backlogIntervalMs = options.backlogIntervalMs ?? 500;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? realTimers;
  }

  /**
   * `lines` were applied to the LogBook: redraw now, or later when they are part of a flood.
   * `backlog`: more history is on its way (a replay under way).
   */
  applied(lines: number, backlog = false): void {
    const now = this.now();
    const caughtUp = this.backlog && !backlog;
    this.backlog = backlog;
    if (caughtUp) {
      // The replay is complete: draw it now, and treat what follows as live output.
      this.windowLines = this.previousWindowLines = 0;
      this.windowStart = now;
      this.renderNow();
      return;
    }
    const windowAge = now - this.windowStart;
    if (windowAge >= this.floodIntervalMs) {
      // A quiet window in between ends the flood.
      this.previousWindowLines = windowAge < 2 * this.floodIntervalMs ? this.windowLines : 0;
      this.windowLines = 0;
      this.windowStart = now;
    }
    this.windowLines += lines;
    const flooding = backlog || this.windowLines >= this.floodLines || this.previousWindowLines >= this.floodLines;
    const sinceLast = now - this.lastRender;
    const interval = backlog ? this.backlogIntervalMs : this.floodIntervalMs;
    if (!flooding || sinceLast >= interval) {
      this.renderNow();
      return;
    }
    // A flood: draw it at the next interval even if nothing more arrives by then.
    if (this.timer === undefined) {
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.renderNow();
      }, interval - sinceLast);
    }
  }

  /** Redraw now (before copying the view, in tests). */
  renderNow(): void {
    this.cancel();
    this.lastRender = this.now();
    this.render();
  }

  /** Drop a pending redraw; safe to call twice. */
  cancel(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
