import { describe, expect, it } from "vitest";
import { LimitError } from "./slippage";
import { PlanError, answers, planSwap, swapCall, typedToken, type PlanInput } from "./swap";

const tokens = { base: "5Base", quote: "5Quote" };
const NOW = 1_000_000;

function input(sellBase: boolean, exactOut: boolean, amount: bigint, amountIn: bigint, amountOut: bigint): PlanInput {
  const request = { sellBase, exactOut, amount };
  return { account: "5Bob", request, quoted: { request, amountIn, amountOut, fee: 0n }, tokens, toleranceBps: 50, deadlineMinutes: 20, nowMs: NOW };
}

describe("typedToken", () => {
  it("is the token sold for exact in and the token bought for exact out", () => {
    expect(typedToken(true, false)).toBe("base");
    expect(typedToken(true, true)).toBe("quote");
    expect(typedToken(false, false)).toBe("quote");
    expect(typedToken(false, true)).toBe("base");
  });
});

describe("planSwap", () => {
  it("ties an exact-in plan to a minimum out from the quoted output", () => {
    const plan = planSwap(input(true, false, 1_000n, 1_000n, 10_000n));
    expect(plan).toMatchObject({ mode: "exact-in", amountIn: 1_000n, minOut: 9_950n, spend: 1_000n, tokenIn: "5Base", deadline: 2_200_000n });
    expect(swapCall(plan)).toEqual({ message: "swapExactIn", args: ["5Base", 1_000n, 9_950n, "5Bob", 2_200_000n] });
  });

  it("ties an exact-out plan to a maximum in from the quoted input", () => {
    const plan = planSwap(input(false, true, 1_000n, 10_000n, 1_000n));
    expect(plan).toMatchObject({ mode: "exact-out", amountOut: 1_000n, maxIn: 10_050n, spend: 10_050n, tokenIn: "5Quote" });
    expect(swapCall(plan)).toEqual({ message: "swapExactOut", args: ["5Quote", 1_000n, 10_050n, "5Bob", 2_200_000n] });
  });

  it("is frozen: nothing can change it after the click", () => {
    const plan = planSwap(input(true, false, 1_000n, 1_000n, 10_000n));
    expect(Object.isFrozen(plan)).toBe(true);
    expect(() => Object.assign(plan, { mode: "exact-out" })).toThrow(TypeError);
  });

  it("refuses a quote asked for another mode, direction or amount", () => {
    const base = input(true, false, 1_000n, 1_000n, 10_000n);
    for (const request of [
      { sellBase: true, exactOut: true, amount: 1_000n },
      { sellBase: false, exactOut: false, amount: 1_000n },
      { sellBase: true, exactOut: false, amount: 999n },
    ]) {
      expect(answers(base.quoted, request)).toBe(false);
      expect(() => planSwap({ ...base, request })).toThrow(PlanError);
    }
  });

  it("refuses a quote that echoes another amount than the one typed", () => {
    expect(() => planSwap(input(true, false, 1_000n, 2_000n, 10_000n))).toThrow(/does not match the amount entered/);
    expect(() => planSwap(input(true, true, 1_000n, 100n, 999n))).toThrow(PlanError);
  });

  it("refuses a zero amount and limits out of range", () => {
    expect(() => planSwap(input(true, false, 0n, 0n, 0n))).toThrow(PlanError);
    expect(() => planSwap({ ...input(true, false, 1n, 1n, 1n), toleranceBps: 6_000 })).toThrow(LimitError);
    expect(() => planSwap({ ...input(true, false, 1n, 1n, 1n), deadlineMinutes: 0 })).toThrow(LimitError);
  });
});
