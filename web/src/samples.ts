// The pool's health over the last blocks, for the charts: at each block, the views the health
// page reads now (the market, inventory q, the reporters' readings, the band the pool checked),
// read in that block's state.
// Each refresh reads only the blocks not read yet, back to at most `HISTORY_BLOCKS` before the
// head (lib/cursor.ts).

import { fromFixed18 } from "./lib/amount";
import { ScanCursor } from "./lib/cursor";
import { wholeTokenPrice } from "./lib/decimals";
import { Serial } from "./lib/serial";
import { blockHash, contractsAt, head, joinViews, reader, type Keel } from "./pool";

/** How many blocks back the charts reach. */
export const HISTORY_BLOCKS = 120;

/** The pool at the end of one block; null where a view was unreadable then. */
export interface Sample {
  block: number;
  /** Inventory q (a fraction, positive when long base). */
  q: number | null;
  /** The oracle's price and the pool's reference, quote per base in whole tokens. */
  oracle: number | null;
  reference: number | null;
  /** The fee a trade paid then (guard fee included), in bps, and `k`. */
  feeBps: number | null;
  k: number | null;
  /** The oracle reading's age at that block (s). */
  ageS: number | null;
  /** Each reporter's latest price then, in the feed's slot order (whole tokens). */
  reporters: (number | null)[];
  /** The rebalance trigger the pool checked then (|q|, a fraction): its band at that block's
   * volatility and configuration, as Keel's core computes it (lib/core.ts); null where the pool
   * could not price its market (it checks no band then). */
  trigger: number | null;
}

/** The pool's sample at block `n`: its views read in that block's state. */
async function sampleAt(k: Keel, n: number): Promise<Sample> {
  const { pool, oracle } = await contractsAt(k, await blockHash(k, n));
  const caller = reader(k);
  const price = (v: bigint) => fromFixed18(wholeTokenPrice(v, k.decimals.base, k.decimals.quote));
  const [market, q, slots, state, config] = await Promise.all([
    pool.query.marketStatus(caller).catch(() => null),
    pool.query.inventory(caller).then((r) => r.data, () => null),
    oracle.query.readings(k.deployment.feed, caller).then((r) => r.data, () => []),
    pool.query.curveState(caller).catch(() => null),
    pool.query.config(caller).catch(() => null),
  ]);
  const m = market?.data.isOk ? market.data.value : null;
  return {
    block: n,
    q: q?.isOk ? fromFixed18(q.value) : null,
    oracle: m ? price(m.price) : null,
    reference: m ? price(m.reference) : null,
    feeBps: m ? fromFixed18(m.fee + m.guardFee) * 10_000 : null,
    k: m ? fromFixed18(m.k) : null,
    ageS: m ? Number(m.ageMs) / 1000 : null,
    reporters: slots.map((s) => (s.reading ? price(s.reading.price) : null)),
    trigger: m && market && state && config ? triggerOf(k, () => joinViews(state.raw, market.raw, config.raw)) : null,
  };
}

/**
 * The rebalance trigger Keel's core computes from the block's `views` (a fraction); null where
 * they do not read or the core refuses them.
 */
function triggerOf(k: Keel, views: () => Uint8Array | null): number | null {
  try {
    const read = views();
    if (!read) return null;
    const band = k.core.band(read);
    return "ok" in band ? fromFixed18(band.ok.trigger) : null;
  } catch {
    // Views that do not read, or a core that traps on them, leave this block's band undrawn,
    // not the whole chart.
    return null;
  }
}
export class Samples {
  private cursor: ScanCursor<Sample> | null = null;

  constructor(private readonly keel: Keel) {}

  /** Reads done and under way, in order: a caller waits for the ones before its own. */
  private readonly reads = new Serial();

  /**
   * Reads the blocks not read yet, up to the head, after any read already under way. The first
   * call, and any after the head has moved more than `HISTORY_BLOCKS` past the last block read,
   * start `HISTORY_BLOCKS` back.
   */
  catchUp(): Promise<void> {
    return this.reads.run(() => this.readOnce());
  }

  private async readOnce(): Promise<void> {
    const tip = await head(this.keel);
    const start = Math.max(this.keel.deployment.block, tip - HISTORY_BLOCKS + 1);
    // Never replaced while a scan of it is under way: that scan commits to it.
    if (!this.cursor || (!this.cursor.busy && this.cursor.scanned < start - 1)) this.cursor = new ScanCursor<Sample>(start, HISTORY_BLOCKS);
    const range = this.cursor.claim(tip);
    if (!range) return;
    try {
      const read: Sample[] = [];
      for (let n = range.from; n <= range.to; n++) read.push(await sampleAt(this.keel, n));
      this.cursor.commit(range, read);
    } catch (e) {
      this.cursor.release(range);
      throw e;
    }
  }

  /** The samples read, oldest first, at most `HISTORY_BLOCKS`. */
  get items(): readonly Sample[] {
    return (this.cursor?.items ?? []).slice(-HISTORY_BLOCKS);
  }
}
