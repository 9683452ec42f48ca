// The pool's events since the deployment, read once for every page: each refresh scans only the
// blocks after the last one scanned (lib/cursor.ts, which also says what a reorg does to them).

import { ScanCursor } from "./lib/cursor";
import type { PoolEvent } from "./lib/history";
import { head, poolEventsIn, type Keel } from "./pool";

export class EventLog {
  private readonly cursor: ScanCursor<PoolEvent>;
  private tip = 0;

  constructor(private readonly keel: Keel) {
    this.cursor = new ScanCursor<PoolEvent>(keel.deployment.block);
  }

  /** Scans the next unscanned blocks (one batch) up to the chain's head, unless a scan is under way. */
  async catchUp(): Promise<void> {
    this.tip = await head(this.keel);
    const range = this.cursor.claim(this.tip);
    if (!range) return;
    try {
      this.cursor.commit(range, await poolEventsIn(this.keel, range.from, range.to));
    } catch (e) {
      this.cursor.release(range);
      throw e;
    }
  }

  /** Every event read so far, oldest first. */
  get events(): readonly PoolEvent[] {
    return this.cursor.items;
  }

  /** Blocks up to the last head seen that are still to be read. */
  get behind(): number {
    return Math.max(0, this.tip - this.cursor.scanned);
  }
}
