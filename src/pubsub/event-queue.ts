/**
 * A push-to-pull queue: a topic's listener pushes, one subscription pulls with `for await`.
 * It holds at most `capacity` unread items. Past that it forgets what it holds and keeps
 * only `overflowMarker`, which tells the reader to recover from the event log instead.
 */
export class EventQueue<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private waiting: ((result: IteratorResult<T>) => void) | null = null;
  private done = false;
  private failure: Error | null = null;
  private alsoOnClose: (() => void) | null = null;

  constructor(
    private readonly capacity: number,
    private readonly overflowMarker: T,
    private readonly onClose: () => void,
  ) {}

  get closed(): boolean {
    return this.done;
  }

  /** Why the queue was ended from outside (see `fail`), if it was. */
  get failedWith(): Error | null {
    return this.failure;
  }

  /** Ends the queue as `return()` does, recording why: its reader is to end with `error`. */
  fail(error: Error): void {
    if (this.done) return;
    this.failure = error;
    void this.return();
  }

  /** `callback` runs once when the queue closes, besides the owner's `onClose`. */
  onceClosed(callback: () => void): void {
    if (this.done) callback();
    else this.alsoOnClose = callback;
  }

  push(item: T): void {
    if (this.done) return;
    if (this.waiting) {
      const resolve = this.waiting;
      this.waiting = null;
      resolve({ value: item, done: false });
    } else if (this.items.length < this.capacity) {
      this.items.push(item);
    } else {
      this.items.length = 0;
      this.items.push(this.overflowMarker);
    }
  }

  next(): Promise<IteratorResult<T>> {
    if (this.items.length > 0) return Promise.resolve({ value: this.items.shift() as T, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.done) {
      this.done = true;
      this.items.length = 0;
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
      this.onClose();
      this.alsoOnClose?.();
      this.alsoOnClose = null;
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }
}
