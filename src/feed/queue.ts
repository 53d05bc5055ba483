/** A bounded FIFO: push never waits; when full, the oldest item is dropped and returned. */

export class FrameQueue<T> {
  private items: T[] = [];
  private waiters: Array<(item: T | undefined) => void> = [];
  private closed = false;

  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`queue size must be an integer >= 1, got ${max}`);
  }

  get length(): number {
    return this.items.length;
  }

  get full(): boolean {
    return this.items.length >= this.max;
  }

  /** Adds an item; returns the item dropped to make room (the oldest), if any. Ignored once closed. */
  push(item: T): T | undefined {
    if (this.closed) return undefined;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(item);
      return undefined;
    }
    this.items.push(item);
    return this.items.length > this.max ? this.items.shift() : undefined;
  }

  /**
   * Adds an item without dropping any, even past `max`: for producers that stop on `full`
   * (files, folders), where a few frames may still be in flight after they were told to.
   */
  append(item: T): void {
    if (this.closed) return;
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  /** The oldest item; waits for one; undefined once closed and empty. */
  take(): Promise<T | undefined> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    if (this.closed) return Promise.resolve(undefined);
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** No more pushes; waiting takers get undefined. `discard` also empties the queue. */
  close(discard = false): void {
    this.closed = true;
    if (discard) this.items = [];
    for (const w of this.waiters.splice(0)) w(undefined);
  }
}
