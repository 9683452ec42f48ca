/**
 * Runs tasks one after another, in the order they were given: each caller's promise settles once
 * its own task has run, after every task given before it. A task that fails rejects its own
 * caller only; the ones after it still run.
 */
export class Serial {
  private queue: Promise<void> = Promise.resolve();

  run(task: () => Promise<void>): Promise<void> {
    const done = this.queue.then(task);
    this.queue = done.catch(() => undefined);
    return done;
  }
}
