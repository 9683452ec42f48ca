import { describe, expect, it } from "vitest";
import { LiquidityError, SHARES_STILL_READING, planAdd, planRemove, quoteFor, sharesOf } from "./liquidity";
import { LimitError } from "./slippage";

const pool = { reserves: [1_000n, 3_000n] as const, totalShares: 500n };
const terms = { toleranceBps: 100, deadlineMinutes: 10, nowMs: 1_000 };

describe("quoteFor", () => {
  it("rounds the needed quote up, and is 0 on an empty pool", () => {
    expect(quoteFor(10n, pool)).toBe(30n);
    expect(quoteFor(1n, { reserves: [3n, 1n], totalShares: 1n })).toBe(1n);
    expect(quoteFor(5n, { reserves: [0n, 0n], totalShares: 0n })).toBe(0n);
  });
});

describe("planAdd", () => {
  it("asks for the pro-rata shares less the tolerance", () => {
    expect(planAdd(100n, pool, terms)).toEqual({ base: 100n, quote: 300n, minShares: 49n, deadline: 601_000n });
  });

  it("is frozen", () => {
    expect(Object.isFrozen(planAdd(100n, pool, terms))).toBe(true);
  });

  it("refuses an empty pool, and a pool whose shares were not read with its reserves", () => {
    expect(() => planAdd(100n, { reserves: [0n, 0n], totalShares: 0n }, terms)).toThrow(LiquidityError);
    // a plan from this shape would ask for no shares at all
    expect(() => planAdd(100n, { ...pool, totalShares: 0n }, terms)).toThrow(
      new LiquidityError("The pool's shares are still being read; try again in a moment."),
    );
  });

  it("refuses zero and bad terms", () => {
    expect(() => planAdd(0n, pool, terms)).toThrow(LiquidityError);
    expect(() => planAdd(1n, pool, { ...terms, toleranceBps: -1 })).toThrow(LimitError);
  });
});

describe("planRemove", () => {
  it("asks for the pro-rata reserves less the tolerance", () => {
    expect(planRemove(50n, 50n, pool, terms)).toEqual({ shares: 50n, minBase: 99n, minQuote: 297n, deadline: 601_000n });
  });

  it("refuses zero and more than held", () => {
    expect(() => planRemove(0n, 10n, pool, terms)).toThrow(LiquidityError);
    expect(() => planRemove(11n, 10n, pool, terms)).toThrow(new LiquidityError("You hold fewer pool shares than that."));
  });
});

describe("sharesOf", () => {
  it("gives the shares read for the account asked about, and refuses another account's", () => {
    const held = { account: "5Alice", shares: 40n };
    expect(sharesOf(held, "5Alice")).toBe(40n);
    expect(() => sharesOf(held, "5Bob")).toThrow(SHARES_STILL_READING);
    expect(() => sharesOf(undefined, "5Alice")).toThrow(LiquidityError);
  });
});
