import { describe, expect, it } from "vitest";
import { GAS_MARGIN_PCT, GasError, MAX_GAS, gasLimit } from "./gas";

describe("gasLimit", () => {
  it("adds the margin to each part, rounded up", () => {
    expect(GAS_MARGIN_PCT).toBe(20n);
    expect(gasLimit({ refTime: 1_000n, proofSize: 500n })).toEqual({ refTime: 1_200n, proofSize: 600n });
    expect(gasLimit({ refTime: 1n, proofSize: 1n })).toEqual({ refTime: 2n, proofSize: 2n });
    expect(gasLimit({ refTime: 0n, proofSize: 0n })).toEqual({ refTime: 0n, proofSize: 0n });
    expect(gasLimit({ refTime: 10n, proofSize: 10n }, 5n)).toEqual({ refTime: 11n, proofSize: 11n });
    expect(gasLimit({ refTime: 7n, proofSize: 7n }, 0n)).toEqual({ refTime: 7n, proofSize: 7n });
  });

  it("documents the keeper's ceilings and fits Keel's own calls under them", () => {
    expect(MAX_GAS).toEqual({ refTime: 100_000_000_000n, proofSize: 2_000_000n });
    expect(gasLimit({ refTime: 13_000_000_000n, proofSize: 350_000n })).toEqual({ refTime: 15_600_000_000n, proofSize: 420_000n });
  });

  it("takes each part at its ceiling and refuses either part above it", () => {
    const refAt = (MAX_GAS.refTime * 100n) / 120n;
    const proofAt = (MAX_GAS.proofSize * 100n) / 120n;
    expect(gasLimit({ refTime: refAt, proofSize: proofAt })).toEqual({ refTime: MAX_GAS.refTime, proofSize: MAX_GAS.proofSize });
    expect(() => gasLimit({ refTime: refAt + 1n, proofSize: 1n })).toThrow(GasError);
    expect(() => gasLimit({ refTime: 1n, proofSize: proofAt + 1n })).toThrow(GasError);
    expect(() => gasLimit({ refTime: 10n ** 30n, proofSize: 1n })).toThrow(/ref_time, above the app's ceiling of 100000000000/);
    expect(() => gasLimit({ refTime: 1n, proofSize: 10n ** 30n })).toThrow(/proof size, above the app's ceiling of 2000000/);
  });

  it("applies a caller's ceiling", () => {
    expect(gasLimit({ refTime: 100n, proofSize: 100n }, 20n, { refTime: 120n, proofSize: 120n })).toEqual({ refTime: 120n, proofSize: 120n });
    expect(() => gasLimit({ refTime: 100n, proofSize: 100n }, 20n, { refTime: 119n, proofSize: 120n })).toThrow(GasError);
    expect(() => gasLimit({ refTime: 100n, proofSize: 100n }, 20n, { refTime: 120n, proofSize: 119n })).toThrow(GasError);
  });

  it("refuses a negative report or margin", () => {
    expect(() => gasLimit({ refTime: -1n, proofSize: 1n })).toThrow(GasError);
    expect(() => gasLimit({ refTime: 1n, proofSize: -1n })).toThrow(GasError);
    expect(() => gasLimit({ refTime: 1n, proofSize: 1n }, -1n)).toThrow(RangeError);
  });
});
