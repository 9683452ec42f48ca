import { describe, expect, it } from "vitest";
import { feedProblems } from "./feed";

const ORACLE = "5Oracle";
const MIRROR = "5Mirror";
const OTHER = "5Other";

describe("feedProblems", () => {
  it("accepts a pool on the record's mirror that the record's oracle writes", () => {
    expect(feedProblems({ poolReads: MIRROR, oracleWrites: MIRROR }, { oracle: ORACLE, mirror: MIRROR })).toEqual([]);
  });

  it("accepts a pool on the oracle itself when the record has no mirror", () => {
    expect(feedProblems({ poolReads: ORACLE, oracleWrites: null }, { oracle: ORACLE })).toEqual([]);
  });

  it("refuses a pool that reads anything but the record's feed", () => {
    for (const poolReads of [OTHER, ORACLE]) {
      const problems = feedProblems({ poolReads, oracleWrites: MIRROR }, { oracle: ORACLE, mirror: MIRROR });
      expect(problems).toEqual([`The pool reads its prices from ${poolReads}, not the record's oracle mirror (${MIRROR}).`]);
    }
    expect(feedProblems({ poolReads: MIRROR, oracleWrites: null }, { oracle: ORACLE })).toHaveLength(1);
  });

  it("refuses a mirror the oracle no longer writes, or never did", () => {
    for (const oracleWrites of [null, OTHER]) {
      const problems = feedProblems({ poolReads: MIRROR, oracleWrites }, { oracle: ORACLE, mirror: MIRROR });
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(`writes its answers to ${oracleWrites ?? "no mirror"}, not the record's mirror (${MIRROR})`);
    }
  });
});
