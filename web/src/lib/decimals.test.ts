import { describe, expect, it } from "vitest";
import { DecimalsError, settleDecimals, wholeTokenPrice } from "./decimals";

const E18 = 10n ** 18n;

describe("settleDecimals", () => {
  it("takes the chain's value when the token reports one", () => {
    expect(settleDecimals("USDC", 6, 6)).toEqual({ decimals: 6, source: "chain" });
    expect(settleDecimals("USDC", "6", undefined)).toEqual({ decimals: 6, source: "chain" });
  });

  it("lets the chain win a disagreement, and says so", () => {
    const d = settleDecimals("USDC", 6, 18);
    expect(d.decimals).toBe(6);
    expect(d.source).toBe("chain");
    expect(d.note).toBe("USDC has 6 decimals on chain; the deployment record says 18. The chain's value is used.");
  });

  it("falls back to the record only when the token has no decimals message", () => {
    expect(settleDecimals("BASE", undefined, 12)).toEqual({ decimals: 12, source: "record" });
  });

  it("refuses values no token can have, from either side", () => {
    for (const [chain, record] of [[39, 18], [-1, 18], [1.5, 18], ["x", 18], [null, 18], [undefined, undefined], [undefined, 40]]) {
      expect(() => settleDecimals("T", chain, record)).toThrow(DecimalsError);
    }
  });
});

describe("wholeTokenPrice", () => {
  it("is the unit price when both tokens have the same decimals", () => {
    expect(wholeTokenPrice(10n * E18, 18, 18)).toBe(10n * E18);
  });

  it("scales by the difference in decimals", () => {
    // 10 USDC (6) per ETH (18) is 10e6 / 1e18 = 1e-11 quote units per base unit.
    expect(wholeTokenPrice(10n ** 7n, 18, 6)).toBe(10n * E18);
    expect(wholeTokenPrice(10n * E18, 6, 18)).toBe(10n ** 7n);
  });
});
