// Whether the pool reads the prices the record says it reads. A pool's feed is an address fixed at
// its deployment: the oracle's mirror (a small contract the oracle writes every answer into, which
// swaps read for less gas) or, in records written before mirrors, the oracle itself. Matching code
// hashes show each address runs Keel's code; they do not show that the pool reads this oracle, nor
// that this oracle writes this mirror. Both are read from the chain and checked here.

/** What the chain says about the feed: the pool's feed address and id, and the oracle's mirror. */
export interface FeedWiring {
  /** `pool.oracle()`'s address. */
  poolReads: string;
  /** `pool.oracle()`'s feed id. */
  poolFeed: number;
  /** `oracle.mirror()`, null when the oracle writes none. */
  oracleWrites: string | null;
}

/** The record's oracle and mirror (absent in records written before mirrors), and its feed id. */
export interface RecordedFeed {
  oracle: string;
  mirror?: string;
  feed: number;
}

/**
 * The problems with `wiring` against `record`, one sentence each; empty when the pool reads the
 * record's feed from the record's mirror and the oracle writes that mirror, or (a record without
 * a mirror) from the record's oracle. Addresses compare as given: the caller spells both the same
 * way (SS58, prefix 42).
 */
export function feedProblems(wiring: FeedWiring, record: RecordedFeed): string[] {
  const problems: string[] = [];
  const source = record.mirror ?? record.oracle;
  const what = record.mirror === undefined ? "oracle" : "oracle mirror";
  if (wiring.poolReads !== source) {
    problems.push(`The pool reads its prices from ${wiring.poolReads}, not the record's ${what} (${source}).`);
  }
  if (wiring.poolFeed !== record.feed) {
    problems.push(`The pool prices with feed ${wiring.poolFeed}, not the record's feed ${record.feed}.`);
  }
  if (record.mirror !== undefined && wiring.oracleWrites !== record.mirror) {
    const writes = wiring.oracleWrites === null ? "no mirror" : wiring.oracleWrites;
    problems.push(`The oracle (${record.oracle}) writes its answers to ${writes}, not the record's mirror (${record.mirror}): the pool's prices would not follow it.`);
  }
  return problems;
}
