/** Kind of a running operation, which callers that join it can read. */
export type OperationKind = 'start' | 'stop' | 'reset' | 'restart';

interface Flight<T> {
  kind: OperationKind;
  promise: Promise<T>;
}

/**
 * Runs at most one operation at a time. A call made while one runs returns
 * the running operation's promise instead of starting another, so 20
 * concurrent resets launch one browser.
 */
export class SingleFlight<T> {
  private flight: Flight<T> | null = null;

  /** The kind of the running operation, or null when idle. */
  get running(): OperationKind | null {
    return this.flight?.kind ?? null;
  }

  /** Starts `operation` unless one runs; returns the promise of whichever runs. */
  run(kind: OperationKind, operation: () => Promise<T>): Promise<T> {
    if (this.flight) return this.flight.promise;

    const promise = Promise.resolve()
      .then(operation)
      .finally(() => {
        if (this.flight?.promise === promise) this.flight = null;
      });
    this.flight = { kind, promise };
    return promise;
  }

  /** Waits until no operation runs, ignoring how the running one ends. */
  async settle(): Promise<void> {
    while (this.flight) {
      await this.flight.promise.catch(() => undefined);
    }
  }
}
