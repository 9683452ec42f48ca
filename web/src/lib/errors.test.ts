import { describe, expect, it } from "vitest";
import { describePoolError, waitsOnApproval } from "./errors";

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

describe("plain words for every variant", () => {
  // crates/interface/src/pool/error.rs's PoolError, and crates/core/src/error.rs's CurveError
  const pool = ["NotOwner", "Paused", "Expired", "ZeroAmount", "UnknownToken", "IdenticalTokens", "NoLiquidity", "SlippageExceeded", "MinSharesNotMet", "MinAmountsNotMet", "InsufficientShares", "OracleStale", "OracleInvalid", "OracleCallFailed", "InvalidConfig", "TokenCallFailed", "RebalanceNotDue", "RebalanceCooldown", "StaleEpoch", "NoVenue", "VenueCallFailed", "InvalidRecipient", "NotPendingOwner", "IncompatibleUpgrade", "InvalidSplit", "SplitTooLarge", "CostlierSplit", "SplitTooSmall"];
  const curve = ["Overflow", "DivisionByZero", "ZeroAmount", "ZeroOutput", "InsufficientLiquidity", "ReserveLimitExceeded", "PriceBandExceeded", "InventoryLimitExceeded", "InvalidPrice", "InvalidParameter"];

  it("has a sentence of its own for each pool and curve refusal", () => {
    for (const name of pool) expect(describePoolError({ type: name }), name).not.toMatch(/refused: /);
    for (const name of curve) expect(describePoolError({ type: "Curve", value: { type: name } }), name).not.toMatch(/refused: /);
  });

  it("says what a feed without an answer means, and that a deposit can be too small for a share", () => {
    expect(describePoolError({ type: "Oracle", value: { type: "UnknownFeed" } })).toMatch(/no answer for this pair/);
    expect(describePoolError({ type: "Curve", value: { type: "ZeroAmount" } })).toMatch(/too small to mint a pool share/);
  });
});

describe("waitsOnApproval", () => {
  it("is the missing allowance alone, in every shape", () => {
    expect(waitsOnApproval({ type: "Token", value: { type: "InsufficientAllowance" } })).toBe(true);
    expect(waitsOnApproval({ Token: "InsufficientAllowance" })).toBe(true);
    expect(waitsOnApproval({ token: "insufficientAllowance" })).toBe(true);
  });

  it("is not any other refusal", () => {
    expect(waitsOnApproval({ type: "Token", value: { type: "InsufficientBalance" } })).toBe(false);
    expect(waitsOnApproval({ type: "Paused" })).toBe(false);
    expect(waitsOnApproval({ type: "Curve", value: { type: "ZeroAmount" } })).toBe(false);
    expect(waitsOnApproval("InsufficientAllowance")).toBe(false);
    expect(waitsOnApproval(null)).toBe(false);
  });
});
