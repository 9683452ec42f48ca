// A swap as the app sends it: planned once, when the trader clicks, from the inputs of that moment
// and the quote asked for exactly those inputs. The plan is frozen; everything after the first
// await (approval, balance check, signing) reads the plan, never the form, so a trader who changes
// direction or mode mid-flow cannot send one mode's limit as the other's.

import { deadline, maxIn, minOut } from "./slippage";

export class PlanError extends Error {}

/** Which token a typed amount is in: what is sold for exact in, what is bought for exact out. */
export function typedToken(sellBase: boolean, exactOut: boolean): "base" | "quote" {
  return sellBase !== exactOut ? "base" : "quote";
}

/** What a quote was asked for: the direction, the mode and the typed amount in units. */
export interface SwapRequest {
  sellBase: boolean;
  exactOut: boolean;
  amount: bigint;
}

/** The pool's quote, kept with the request it answers. */
export interface QuotedSwap {
  request: SwapRequest;
  amountIn: bigint;
  amountOut: bigint;
  /** The part of `amountIn` the pool keeps; shown, not used in the plan. */
  fee: bigint;
}

/** Whether `quoted` answers `request` (same direction, mode and amount). */
export function answers(quoted: QuotedSwap | undefined, request: SwapRequest): quoted is QuotedSwap {
  return quoted !== undefined
    && quoted.request.sellBase === request.sellBase
    && quoted.request.exactOut === request.exactOut
    && quoted.request.amount === request.amount;
}

interface PlanCommon {
  account: string;
  sellBase: boolean;
  /** The address of the token sold. */
  tokenIn: string;
  /** The swap's `deadline` argument (ms). */
  deadline: bigint;
  /** The most the trader may pay: what to approve and check the balance against. */
  spend: bigint;
}

/** An exact-in swap: sell `amountIn`, receive at least `minOut`. */
export interface ExactInPlan extends PlanCommon {
  mode: "exact-in";
  amountIn: bigint;
  minOut: bigint;
}

/** An exact-out swap: receive `amountOut`, pay at most `maxIn`. */
export interface ExactOutPlan extends PlanCommon {
  mode: "exact-out";
  amountOut: bigint;
  maxIn: bigint;
}

export type SwapPlan = Readonly<ExactInPlan | ExactOutPlan>;

/** Everything a plan is made of, read from the form and settings once, at click time. */
export interface PlanInput {
  account: string;
  request: SwapRequest;
  quoted: QuotedSwap;
  tokens: { base: string; quote: string };
  toleranceBps: number;
  deadlineMinutes: number;
  nowMs: number;
}

/**
 * The frozen plan for `input`. The amount the trader typed is the swap's amount (never the quote's
 * echo of it), and the limit is computed from the quote for the plan's own mode: `minOut` from the
 * quoted output for exact in, `maxIn` from the quoted input for exact out. Throws a `PlanError`
 * when the quote answers another request or echoes another amount, and a `LimitError` (slippage)
 * for a tolerance or deadline out of range.
 */
export function planSwap(input: PlanInput): SwapPlan {
  const { request, quoted } = input;
  if (!answers(quoted, request)) throw new PlanError("The quote is for other inputs; wait for the new quote and try again.");
  if (request.amount <= 0n) throw new PlanError("Enter an amount greater than zero.");
  const typedEcho = request.exactOut ? quoted.amountOut : quoted.amountIn;
  if (typedEcho !== request.amount) throw new PlanError("The node's quote does not match the amount entered; nothing was sent.");
  const common: PlanCommon = {
    account: input.account,
    sellBase: request.sellBase,
    tokenIn: request.sellBase ? input.tokens.base : input.tokens.quote,
    deadline: deadline(input.nowMs, input.deadlineMinutes),
    spend: 0n,
  };
  if (request.exactOut) {
    const limit = maxIn(quoted.amountIn, input.toleranceBps);
    return Object.freeze({ ...common, mode: "exact-out", amountOut: request.amount, maxIn: limit, spend: limit });
  }
  return Object.freeze({ ...common, mode: "exact-in", amountIn: request.amount, minOut: minOut(quoted.amountOut, input.toleranceBps), spend: request.amount });
}

/** The pool message and its arguments for `plan`: (token_in, amount, limit, to, deadline). */
export function swapCall(plan: SwapPlan): { message: "swapExactIn" | "swapExactOut"; args: [string, bigint, bigint, string, bigint] } {
  return plan.mode === "exact-in"
    ? { message: "swapExactIn", args: [plan.tokenIn, plan.amountIn, plan.minOut, plan.account, plan.deadline] }
    : { message: "swapExactOut", args: [plan.tokenIn, plan.amountOut, plan.maxIn, plan.account, plan.deadline] };
}
