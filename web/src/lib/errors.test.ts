import { describe, expect, it } from "vitest";
import { describePoolError } from "./errors";

describe("describePoolError", () => {
  it("names the errors traders meet in plain words", () => {
    expect(describePoolError({ type: "SlippageExceeded" })).toMatch(/slippage tolerance/);
    expect(describePoolError({ type: "OracleStale" })).toMatch(/price feed is out of date/);
    expect(describePoolError({ type: "Paused" })).toMatch(/Withdrawals still work/);
    expect(describePoolError({ type: "Curve", value: { type: "PriceBandExceeded" } })).toMatch(/band around the oracle/);
    expect(describePoolError({ type: "Curve", value: { type: "InventoryLimitExceeded" } })).toMatch(/inventory bound/);
    expect(describePoolError({ type: "Token", value: { type: "InsufficientBalance" } })).toMatch(/balance is too low/);
  });

  it("accepts the keyed JSON shape and bare names, with lower-case keys", () => {
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
