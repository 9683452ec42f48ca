import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { Core, decodeBand, decodeGreeks } from "./core";

/** `n` as SCALE's 16 little-endian bytes (two's complement when negative). */
function le128(n: bigint): number[] {
  const v = BigInt.asUintN(128, n);
  return Array.from({ length: 16 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
}

const E18 = 10n ** 18n;

describe("decodeGreeks", () => {
  it("reads each field in the core's order, signed where the core's are", () => {
    const bytes = [...le128(120n * E18), ...le128(-3n), ...le128(-E18), ...le128(2n * E18 + 1n), 1, ...le128(-7n)];
    expect(decodeGreeks(Uint8Array.from(bytes))).toEqual({
      delta: 120n * E18,
      deltaVsTarget: -3n,
      gammaUp: -E18,
      gammaDown: 2n * E18 + 1n,
      vega: -7n,
    });
  });

  it("reads an unreadable vega as null", () => {
    const bytes = [...le128(1n), ...le128(0n), ...le128(0n), ...le128(0n), 0];
    expect(decodeGreeks(Uint8Array.from(bytes)).vega).toBeNull();
  });

  it("refuses bytes that are not one Greeks value", () => {
    const bytes = [...le128(1n), ...le128(0n), ...le128(0n), ...le128(0n), 0];
    expect(() => decodeGreeks(Uint8Array.from(bytes.slice(0, -2)))).toThrow(/ends early/);
    expect(() => decodeGreeks(Uint8Array.from([...bytes, 0]))).toThrow(/left over/);
    expect(() => decodeGreeks(Uint8Array.from([...bytes.slice(0, -1), 2]))).toThrow(/option tag 2/);
  });
});

describe("decodeBand", () => {
  it("reads trigger then target", () => {
    expect(decodeBand(Uint8Array.from([...le128(5n * E18 / 100n), ...le128(E18 / 100n)]))).toEqual({
      trigger: 5n * E18 / 100n,
      target: E18 / 100n,
    });
  });
});

// The module `scripts/build.sh` builds from crates/web-core: its answers on good views are
// checked by that crate's tests and on a live pool by the browser run; here, the plumbing.
describe("Core", () => {
  const wasm = readFileSync(new URL("../../../target/wasm32-unknown-unknown/release/keel_web_core.wasm", import.meta.url));

  it("names what is wrong with views that do not decode", async () => {
    const core = await Core.load(wasm);
    expect(core.greeks(Uint8Array.from([1, 2, 3]))).toEqual({ refused: "Malformed curve_state" });
    expect(core.band(new Uint8Array(0))).toEqual({ refused: "Malformed curve_state" });
  });

  it("refuses views longer than its buffer without calling in", async () => {
    const core = await Core.load(wasm);
    expect(core.greeks(new Uint8Array(4096))).toEqual({ refused: "InputTooLong" });
  });
});
