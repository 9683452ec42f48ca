// The pool's events since the deployment, read once for every page: each refresh scans only the
// blocks after the last one scanned (lib/cursor.ts, which also says what a reorg does to them).
// A block's events are part of its state, which a node that is not an archive node keeps for the
// last blocks only (256 by default): when the scan cannot read an old block, it moves on to the
// blocks the node still has and says from which block the history is missing.

import { ScanCursor } from "./lib/cursor";
import type { PoolEvent } from "./lib/history";
import { errorText } from "./lib/errors";
import { Serial } from "./lib/serial";
import { blockHash, contractsAt, head, poolEventsIn, reader, type Keel } from "./pool";

/** How close to the head a block must be for a node that prunes state to still hold it. */
const KEPT_BLOCKS = 200;

/** What a node says when asked for state it has pruned. */
const PRUNED = /state already discarded|unknown block|pruned/i;

export class EventLog {
  private cursor: ScanCursor<PoolEvent>;
  private tip = 0;
  private readonly earlier: PoolEvent[] = [];
  /** Events the scan read but could not decode (code of another ABI emitted them). */
  undecoded = 0;
  /** The block before which this node no longer holds the pool's events; null when it holds all. */
  missingBefore: number | null = null;
  /** The pool's shares outstanding before the first block scanned (the deployment's block may
   * come after the first deposit's); null until read. */
  sharesBefore: bigint | null = null;

  constructor(private readonly keel: Keel) {
    this.cursor = new ScanCursor<PoolEvent>(keel.deployment.block);
  }

  /** Scans done and under way, in order: a caller waits for the ones before its own. */
  private readonly scans = new Serial();

  /**
   * Scans the next unscanned blocks (one batch) up to the chain's head, after any scan already
   * under way, so that what a caller reads once this resolves includes every block up to the
   * head it saw (a caller that returned while another's scan was still reading would show a
   * history short of blocks no later refresh may come to fill on a quiet chain).
   */
  catchUp(): Promise<void> {
    return this.scans.run(() => this.scanOnce());
  }

  private async scanOnce(): Promise<void> {
    this.tip = await head(this.keel);
    const range = this.cursor.claim(this.tip);
    if (!range) return;
    try {
      this.sharesBefore ??= await this.sharesAt(range.from - 1);
      const read = await poolEventsIn(this.keel, range.from, range.to);
      this.undecoded += read.undecoded;
      this.cursor.commit(range, read.events);
    } catch (e) {
      this.cursor.release(range);
      const kept = this.tip - KEPT_BLOCKS;
      if (range.from >= kept || !PRUNED.test(errorText(e))) throw e;
      // The node has pruned these blocks' state: keep what was read, go on from what it holds.
      this.earlier.push(...this.cursor.items);
      this.missingBefore = kept;
      this.cursor = new ScanCursor<PoolEvent>(kept);
    }
  }

  /** The pool's total shares in the state after block `n`; zero before the pool exists. A read
   * that fails is an error, never zero. */
  private async sharesAt(n: number): Promise<bigint> {
    const { at, pool } = await contractsAt(this.keel, await blockHash(this.keel, Math.max(0, n)));
    const contracts = (at.query as unknown as { contracts: { contractInfoOf(a: string): Promise<unknown> } }).contracts;
    if ((await contracts.contractInfoOf(this.keel.deployment.contracts.pool)) === undefined) return 0n;
    return (await pool.query.psp22TotalSupply(reader(this.keel))).data;
  }

  /** Every event read so far, oldest first. */
  get events(): readonly PoolEvent[] {
    return this.earlier.length === 0 ? this.cursor.items : [...this.earlier, ...this.cursor.items];
  }

  /** Blocks up to the last head seen that are still to be read. */
  get behind(): number {
    return Math.max(0, this.tip - this.cursor.scanned);
  }

}
