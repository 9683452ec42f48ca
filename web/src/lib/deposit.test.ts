import { describe, expect, it } from "vitest";
import { DepositError, MAX_STORAGE_DEPOSIT, depositLimit } from "./deposit";

describe("depositLimit", () => {
  it("adds 20% to a charge, rounded up", () => {
    expect(depositLimit({ charge: 1_000n })).toBe(1_200n);
    expect(depositLimit({ charge: 1n })).toBe(2n);
    expect(depositLimit({ charge: 0n })).toBe(0n);
  });

  it("limits a call whose dry-run refunds to 0, never to unlimited", () => {
    const limit = depositLimit({ refund: 5_000n });
    expect(limit).toBe(0n);
    expect(limit).not.toBeNull();
    expect(limit).not.toBeUndefined();
  });

  it("takes a limit at the ceiling and refuses one above it", () => {
    const atCeiling = (MAX_STORAGE_DEPOSIT * 100n) / 120n;
    expect(depositLimit({ charge: atCeiling })).toBe(MAX_STORAGE_DEPOSIT);
    expect(() => depositLimit({ charge: atCeiling + 1n })).toThrow(DepositError);
    expect(() => depositLimit({ charge: 10n ** 30n })).toThrow(/above the app's ceiling/);
    expect(() => depositLimit({ charge: 100n }, 119n)).toThrow(DepositError);
    expect(depositLimit({ charge: 100n }, 120n)).toBe(120n);
  });

  it("refuses a negative report", () => {
    expect(() => depositLimit({ charge: -1n })).toThrow(DepositError);
    expect(() => depositLimit({ refund: -1n })).toThrow(DepositError);
  });
});
