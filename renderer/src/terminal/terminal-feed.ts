/**
 * What a terminal view draws, in order: the hub's snapshot of the screen (`process.screen`), then
 * the channel's `terminal_output` and resize events with a greater `seq`. Messages that arrive
 * while the snapshot is on its way are held and applied after it; replays of what the snapshot
 * already holds are dropped. The channel's `seq` grows by exactly one per message (lines and
 * statuses included, which this view otherwise ignores), so once live a jump means something was
 * missed: the feed then asks for a fresh snapshot instead of drawing a broken screen.
 *
 * The snapshot's `seq` is that of the last terminal message it includes; the channel's messages
 * just after it may be lines that reached the page before the view opened. Any terminal message
 * after the snapshot was published after the hub answered, so after the view began to hold, and
 * is never in that hole: the first message after the snapshot is taken as it comes, and the
 * gap check starts from there.
 *
 * No DOM here: the view hands it a {@link TerminalSink} (an xterm) and a way to fetch snapshots.
 */
import { TerminalResizeEventSchema, type Message, type ScreenSnapshot } from '../../../shared/protocol';

/** What the feed draws into. */
export interface TerminalSink {
  /** Forget everything drawn (before a snapshot). */
  reset(): void;
  resize(cols: number, rows: number): void;
  write(data: string): void;
}

/** Characters held while a snapshot is on its way; past this they go, and a newer snapshot is asked for. */
const MAX_HELD_CHARS = 8 * 1024 * 1024;
/** Wait before asking again when a snapshot could not be had (the connection stays up). */
const RETRY_MS = 2000;

/** See the file comment. */
export class TerminalFeed {
  private live = false;
  private held: Message[] = [];
  private heldChars = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** The `seq` of the last channel message seen (of any type), once live. */
  private lastSeq = 0;
  /** Whether a message after the snapshot came (see the file comment). */
  private anchored = false;
  /** Counts refreshes: a snapshot asked for before the latest refresh is stale. */
  private generation = 0;
  private closed = false;

  constructor(
    private readonly sink: TerminalSink,
    /** Fetch the current screen; a rejection leaves the feed waiting for {@link refresh}. */
    private readonly fetchSnapshot: () => Promise<ScreenSnapshot>,
  ) {}

  /** Whether the screen shows the snapshot and what followed it. */
  get ready(): boolean {
    return this.live;
  }

  /** Fetch a snapshot and start over from it (on opening, after a reconnect, after a gap). */
  refresh(): void {
    if (this.closed) return;
    this.live = false;
    this.held = [];
    this.heldChars = 0;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    const generation = ++this.generation;
    this.fetchSnapshot().then(
      (snapshot) => {
        if (generation === this.generation) this.apply(snapshot);
      },
      () => {
        if (generation !== this.generation || this.closed) return;
        this.retryTimer = setTimeout(() => this.refresh(), RETRY_MS);
      },
    );
  }

  /** A message of the process's channel (every type: their `seq`s reveal gaps). */
  message(m: Message): void {
    if (this.closed || typeof m.seq !== 'number') return;
    if (!this.live) {
      this.held.push(m);
      if (typeof m.data === 'string') this.heldChars += m.data.length;
      if (this.heldChars > MAX_HELD_CHARS) this.refresh(); // the snapshot is late: a newer one holds all this
      return;
    }
    if (m.seq <= this.lastSeq) return; // a replay of what the screen already holds
    if (this.anchored && m.seq > this.lastSeq + 1) return this.refresh();
    this.anchored = true;
    this.lastSeq = m.seq;
    this.draw(m);
  }

  /** Stop; later snapshots and messages are ignored. */
  close(): void {
    this.closed = true;
    this.held = [];
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private apply(snapshot: ScreenSnapshot): void {
    if (this.closed) return;
    const held = this.held;
    this.held = [];
    this.heldChars = 0;
    this.sink.reset();
    this.sink.resize(snapshot.cols, snapshot.rows);
    this.sink.write(snapshot.data);
    this.lastSeq = snapshot.seq;
    this.anchored = false;
    this.live = true;
    for (const m of held) {
      this.message(m);
      if (!this.live) return; // a gap: a new snapshot is on its way
    }
  }

  private draw(m: Message): void {
    if (m.type === 'terminal_output' && typeof m.data === 'string') {
      this.sink.write(m.data);
    } else if (m.type === 'event') {
      const resize = TerminalResizeEventSchema.safeParse(m.data);
      if (resize.success) this.sink.resize(resize.data.cols, resize.data.rows);
    }
  }
}
