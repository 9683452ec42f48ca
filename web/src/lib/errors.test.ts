import { describe, expect, it } from "vitest";
import { describePoolError } from "./errors";

describe("describePoolError", () => {
  it("names the errors traders meet in plain words", () => {
    expect(describePoolError("SlippageExceeded")).toMatch(/slippage tolerance/);
    expect(describePoolError("OracleStale")).toMatch(/price feed is out of date/);
    expect(describePoolError("Paused")).toMatch(/Withdrawals still work/);
    expect(describePoolError({ Curve: "PriceBandExceeded" })).toMatch(/band around the oracle/);
    expect(describePoolError({ Curve: "InventoryLimitExceeded" })).toMatch(/inventory bound/);
    expect(describePoolError({ Token: "InsufficientBalance" })).toMatch(/balance is too low/);
  });

  it("accepts polkadot.js's JSON shape, with lower-case keys", () => {
    expect(describePoolError({ curve: "PriceBandExceeded" })).toBe(describePoolError({ Curve: "PriceBandExceeded" }));
    expect(describePoolError("slippageExceeded")).toBe(describePoolError("SlippageExceeded"));
  });

  it("never returns an empty message, even for shapes it does not know", () => {
    expect(describePoolError({ Venue: "SlippageExceeded" })).toBe("The rebalancing venue refused: SlippageExceeded.");
    expect(describePoolError("SomethingNew")).toBe("The pool refused: SomethingNew.");
    expect(describePoolError(null)).toBe("The pool refused the transaction.");
    expect(describePoolError({ a: 1, b: 2 })).toBe("The pool refused the transaction.");
  });
});
