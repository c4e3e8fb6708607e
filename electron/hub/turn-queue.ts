/**
 * Work for many objects gathered in one event-loop turn and run in one immediate: the hub's
 * connections flush through it, one immediate a turn for all of them rather than one each.
 */
export class TurnQueue<T> {
  private items: T[] = [];

  constructor(private readonly run: (item: T) => void) {}

  /** Run `item` in this turn's immediate (once per call: the caller keeps it from queueing twice). */
  add(item: T): void {
    if (this.items.push(item) === 1) setImmediate(this.drain);
  }

  private readonly drain = (): void => {
    const items = this.items;
    this.items = [];
    for (let i = 0; i < items.length; i++) {
      try {
        this.run(items[i] as T);
      } catch (err) {
        // The others still run: a caller that marks its item queued waits for this.
        for (const item of items.slice(i + 1)) this.add(item);
        throw err;
      }
    }
  };
}
