/**
 * What a log view reads: an ordered run of positions, each naming a line in some process's
 * store. One process's view is its store itself (a position is the line's absolute index); the
 * merged view is {@link MergedOrder}. Views and indexes know nothing else.
 */
import type { LineStore } from './line-store';
import type { MergedOrder } from './merged-order';

/** A line's identity across rewrites of positions: where it lives, and its time to find it again. */
export interface LineIdentity {
  store: number;
  abs: number;
  time: number;
}

/** An ordered view of lines held by stores. */
export interface LogSource {
  /** First and one-past-last position. */
  readonly start: number;
  readonly end: number;
  readonly length: number;
  /** The store holding the line at a position, or undefined when it is no longer held. */
  storeAt(pos: number): LineStore | undefined;
  /** The absolute index in that store. */
  absAt(pos: number): number;
  processIdAt(pos: number): string;
  /** Bumped when positions from some place on were rewritten (a merge inserted lines). */
  readonly revision: number;
  /** The first position rewritten since a revision, or null. */
  rewrittenSince(revision: number): number | null;
  readonly replaceGeneration: number;
  replacedSince(generation: number): readonly number[] | null;
  identityAt(pos: number): LineIdentity | null;
  /** Where a line is now; when it is gone, the first line at or after its time. */
  positionOfIdentity(id: LineIdentity): number;
  /** The first position whose time is at least `time`. */
  lowerBoundTime(time: number): number;
  /** Whether a position is its line's absolute index in one store (a process's own view). */
  readonly contiguous: boolean;
  /** Lines dropped because of the cap, and the cap, for the view's note. */
  readonly dropped: number;
  readonly capacity: number;
}

/** One process's store as a source. */
export class StoreSource implements LogSource {
  readonly revision = 0;
  readonly contiguous = true;
  constructor(
    readonly store: LineStore,
    private readonly storeNumber: number,
    private readonly processId: string,
  ) {}

  get start(): number {
    return this.store.start;
  }
  get end(): number {
    return this.store.end;
  }
  get length(): number {
    return this.store.length;
  }
  get dropped(): number {
    return this.store.dropped;
  }
  get capacity(): number {
    return this.store.capacity;
  }
  storeAt(pos: number): LineStore | undefined {
    return this.store.has(pos) ? this.store : undefined;
  }
  absAt(pos: number): number {
    return pos;
  }
  processIdAt(): string {
    return this.processId;
  }
  rewrittenSince(): number | null {
    return null;
  }
  get replaceGeneration(): number {
    return this.store.replaceGeneration;
  }
  replacedSince(generation: number): readonly number[] | null {
    return this.store.replacedSince(generation);
  }
  identityAt(pos: number): LineIdentity | null {
    return this.store.has(pos) ? { store: this.storeNumber, abs: pos, time: this.store.time(pos) } : null;
  }
  positionOfIdentity(id: LineIdentity): number {
    return this.store.has(id.abs) ? id.abs : this.store.lowerBoundTime(id.time);
  }
  lowerBoundTime(time: number): number {
    return this.store.lowerBoundTime(time);
  }
}

/** The merged view of every process as a source. */
export class MergedSource implements LogSource {
  readonly contiguous = false;
  constructor(
    private readonly order: MergedOrder,
    private readonly stores: () => readonly LineStore[],
    private readonly ids: () => readonly string[],
    private readonly cap: () => { dropped: number; capacity: number },
  ) {}

  get start(): number {
    return this.order.start;
  }
  get end(): number {
    return this.order.end;
  }
  get length(): number {
    return this.order.length;
  }
  get dropped(): number {
    return this.cap().dropped;
  }
  get capacity(): number {
    return this.cap().capacity;
  }
  storeAt(pos: number): LineStore | undefined {
    const s = this.stores()[this.order.storeAt(pos)];
    return s?.has(this.order.absAt(pos)) ? s : undefined;
  }
  absAt(pos: number): number {
    return this.order.absAt(pos);
  }
  processIdAt(pos: number): string {
    return this.ids()[this.order.storeAt(pos)] ?? '';
  }
  get revision(): number {
    return this.order.revision;
  }
  rewrittenSince(revision: number): number | null {
    return this.order.rewrittenSince(revision);
  }
  get replaceGeneration(): number {
    return this.order.replaceGeneration;
  }
  replacedSince(generation: number): readonly number[] | null {
    return this.order.replacedSince(generation);
  }
  identityAt(pos: number): LineIdentity | null {
    const store = this.order.storeAt(pos);
    return store < 0 ? null : { store, abs: this.order.absAt(pos), time: this.order.timeAt(pos) };
  }
  positionOfIdentity(id: LineIdentity): number {
    const pos = this.order.positionOf(id.store, id.abs, id.time);
    return pos >= 0 ? pos : this.order.lowerBoundTime(id.time);
  }
  lowerBoundTime(time: number): number {
    return this.order.lowerBoundTime(time);
  }
}
