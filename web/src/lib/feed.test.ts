import { describe, expect, it } from "vitest";
import { feedProblems } from "./feed";

const ORACLE = "5Oracle";
const MIRROR = "5Mirror";
const OTHER = "5Other";

describe("feedProblems", () => {
  it("accepts a pool on the record's mirror that the record's oracle writes", () => {
    expect(feedProblems({ poolReads: MIRROR, poolFeed: 1, oracleWrites: MIRROR }, { oracle: ORACLE, mirror: MIRROR, feed: 1 })).toEqual([]);
  });

  it("accepts a pool on the oracle itself when the record has no mirror", () => {
    expect(feedProblems({ poolReads: ORACLE, poolFeed: 1, oracleWrites: null }, { oracle: ORACLE, feed: 1 })).toEqual([]);
  });

  it("refuses a pool that reads anything but the record's feed", () => {
    for (const poolReads of [OTHER, ORACLE]) {
      const problems = feedProblems({ poolReads, poolFeed: 1, oracleWrites: MIRROR }, { oracle: ORACLE, mirror: MIRROR, feed: 1 });
      expect(problems).toEqual([`The pool reads its prices from ${poolReads}, not the record's oracle mirror (${MIRROR}).`]);
    }
    expect(feedProblems({ poolReads: MIRROR, poolFeed: 1, oracleWrites: null }, { oracle: ORACLE, feed: 1 })).toHaveLength(1);
  });

  it("refuses a mirror the oracle no longer writes, or never did", () => {
    for (const oracleWrites of [null, OTHER]) {
      const problems = feedProblems({ poolReads: MIRROR, poolFeed: 1, oracleWrites }, { oracle: ORACLE, mirror: MIRROR, feed: 1 });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`writes its answers to ${oracleWrites ?? "no mirror"}, not the record's mirror (${MIRROR})`);
    }
  });

  it("refuses a pool that prices with another feed than the record's", () => {
    const problems = feedProblems({ poolReads: MIRROR, poolFeed: 2, oracleWrites: MIRROR }, { oracle: ORACLE, mirror: MIRROR, feed: 1 });
    expect(problems).toEqual(["The pool prices with feed 2, not the record's feed 1."]);
  });
});
