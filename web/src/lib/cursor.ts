// Where an incremental scan of the chain's blocks stands: the next block to read and what the
// blocks read so far yielded. Each new head scans only the blocks after the cursor, in bounded
// batches, and one scan at a time, so overlapping refreshes never read (or count) a block twice.
//
// Blocks are addressed by number on the best chain. A block scanned and then reorganised away
// keeps its results: the app accepts that (a reorg on Keel's chains is rare and the results are
// shown, not acted on). Scanning only up to the finalised head would make it reorg-safe.

/** An inclusive range of block numbers. */
export interface Range {
  from: number;
  to: number;
}

export class ScanCursor<T> {
  private next: number;
  private claimed: Range | null = null;
  private readonly found: T[] = [];

  /** Scans start at block `start`; each claim covers at most `maxBatch` blocks. */
  constructor(start: number, private readonly maxBatch = 500) {
    if (!Number.isInteger(start) || start < 0) throw new Error(`invalid start block ${start}`);
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new Error(`invalid batch size ${maxBatch}`);
    this.next = start;
  }

  /**
   * The blocks to scan up to `tip` (at most `maxBatch`, oldest first), now held by the caller
   * until it commits or releases them; null when a scan is under way or nothing is new.
   */
  claim(tip: number): Range | null {
    if (this.claimed || tip < this.next) return null;
    this.claimed = { from: this.next, to: Math.min(tip, this.next + this.maxBatch - 1) };
    return this.claimed;
  }

  /** Records the claimed `range` as scanned, with what it yielded (appended, oldest first). */
  commit(range: Range, items: readonly T[]): void {
    this.hold(range);
    this.found.push(...items);
    this.next = range.to + 1;
    this.claimed = null;
  }

  /** Gives the claimed `range` back unscanned (the scan failed): the next claim covers it again. */
  release(range: Range): void {
    this.hold(range);
    this.claimed = null;
  }

  /** Everything found so far, oldest first. */
  get items(): readonly T[] {
    return this.found;
  }

  /** Whether a claimed range is being scanned. */
  get busy(): boolean {
    return this.claimed !== null;
  }

  /** The last block scanned (one before the start until the first commit). */
  get scanned(): number {
    return this.next - 1;
  }

  private hold(range: Range): void {
    if (this.claimed?.from !== range.from || this.claimed.to !== range.to) throw new Error("that range is not the one claimed");
  }
}
