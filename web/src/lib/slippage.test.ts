import { describe, expect, it } from "vitest";
import { LimitError, deadline, deadlineNow, maxIn, minOut, minutesFromText, priceImpactBps, toleranceFromPercent } from "./slippage";

const E18 = 10n ** 18n;

describe("limits", () => {
  it("min out rounds down and max in rounds up, both against the trader's favour", () => {
    expect(minOut(10_000n, 50)).toBe(9_950n);
    expect(minOut(999n, 50)).toBe(994n);
    expect(minOut(999n, 0)).toBe(999n);
    expect(maxIn(1_000n, 50)).toBe(1_005n);
    expect(maxIn(999n, 50)).toBe(1_004n);
    expect(maxIn(999n, 0)).toBe(999n);
  });

  it("refuses a tolerance that is negative, fractional or wider than 50%", () => {
    for (const bps of [-1, 1.5, 5_001]) {
      expect(() => minOut(1n, bps)).toThrow(LimitError);
      expect(() => maxIn(1n, bps)).toThrow(LimitError);
    }
  });

  it("counts a deadline on a live chain from its block time, whatever the browser's clock says", () => {
    const hour = 3_600_000;
    // a block at chain time 10 h seen 6 s ago by a browser whose clock is right, 3 h ahead, 1 h behind
    const seen = (offset: number) => ({ timeMs: 10 * hour, seenAtMs: 10 * hour + offset });
    for (const offset of [0, 3 * hour, -hour]) {
      expect(deadlineNow(10 * hour + offset + 6_000, seen(offset), false)).toBe(10 * hour + 6_000);
    }
    // a browser clock set back since the block was seen never counts from before the block
    expect(deadlineNow(9 * hour, seen(0), false)).toBe(10 * hour);
  });

  it("counts a deadline on a dev chain from the later of the browser's clock and its last block", () => {
    // a dev chain idle for an hour: its next block is sealed at its node's clock
    expect(deadlineNow(3_601_000, { timeMs: 1_000, seenAtMs: 1_000 }, true)).toBe(3_601_000);
    expect(deadlineNow(1_000, { timeMs: 3_601_000, seenAtMs: 1_000 }, true)).toBe(3_601_000);
  });

  it("counts from the browser's clock before any block time is known", () => {
    expect(deadlineNow(5_000, { timeMs: 0, seenAtMs: 0 }, false)).toBe(5_000);
  });

  it("counts on a live chain from the later of the two until a block arrives as it is made", () => {
    // the block found at connecting, an hour old on a chain that seals on demand
    expect(deadlineNow(3_601_000, { timeMs: 1_000, seenAtMs: 0 }, false)).toBe(3_601_000);
  });

  it("sets the deadline minutes after now, from a minute to a day", () => {
    expect(deadline(1_000, 20)).toBe(1_201_000n);
    expect(deadline(1_000, 1)).toBe(61_000n);
    expect(() => deadline(1_000, 0)).toThrow(LimitError);
    expect(() => deadline(1_000, 0.5)).toThrow(LimitError);
    expect(() => deadline(1_000, 24 * 60 + 1)).toThrow(LimitError);
  });
});

describe("settings as typed", () => {
  it("reads a tolerance in percent, to the basis point", () => {
    expect(toleranceFromPercent("0.5")).toBe(50);
    expect(toleranceFromPercent(" 1 ")).toBe(100);
    expect(toleranceFromPercent(".25")).toBe(25);
    expect(toleranceFromPercent("0")).toBe(0);
  });

  it("reads anything else as a tolerance every limit refuses", () => {
    for (const text of ["", " ", "0x10", "1e1", "-1", "+1", "0.125", "1,5", "abc", "Infinity"]) {
      const bps = toleranceFromPercent(text);
      expect(bps, text).toBeNaN();
      expect(() => minOut(1n, bps)).toThrow(LimitError);
    }
  });

  it("reads a deadline in minutes, and anything else as one the deadline refuses", () => {
    expect(minutesFromText("20")).toBe(20);
    expect(minutesFromText("1.5")).toBe(1.5);
    for (const text of ["", "0x10", "1e3", "-5", "abc"]) {
      expect(() => deadline(1_000, minutesFromText(text)), text).toThrow(LimitError);
    }
  });
});

describe("price impact against the oracle", () => {
  const oracle = 10n * E18;

  it("is the shortfall of the fill price in basis points, either direction", () => {
    // Selling 1 base for 9.9 quote, and paying 10.1 quote for 1 base: both 1% worse.
    expect(priceImpactBps(true, E18, 99n * 10n ** 17n, oracle)).toBe(100);
    expect(priceImpactBps(false, 101n * 10n ** 17n, E18, oracle)).toBe(100);
  });

  it("is negative when the pool fills better than the oracle, and zero for nothing", () => {
    expect(priceImpactBps(true, E18, 101n * 10n ** 17n, oracle)).toBe(-100);
    expect(priceImpactBps(true, 0n, 0n, oracle)).toBe(0);
  });
});
