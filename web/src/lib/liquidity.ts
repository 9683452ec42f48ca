// Deposits and withdrawals as the app sends them: planned once, when the provider clicks, from the
// reserves, shares and settings of that moment. The plans are frozen; the flow's later steps
// (approvals, signing) read the plan, never the page's state, which new blocks keep refreshing.

import { deadline, minOut } from "./slippage";

export class LiquidityError extends Error {}

/** What a plan says before the pool's reserves and shares have been read. */
export const STILL_READING = "The pool's shares are still being read; try again in a moment.";

/** The pool as a plan sees it: reserves (base, quote) and total shares, read together. */
export interface PoolShape {
  reserves: readonly [bigint, bigint];
  totalShares: bigint;
}

/** The quote a deposit of `base` needs at the pool's ratio, rounded up as the pool takes it. */
export function quoteFor(base: bigint, pool: PoolShape): bigint {
  const [rb, rq] = pool.reserves;
  return rb === 0n ? 0n : (base * rq + rb - 1n) / rb;
}

export type AddPlan = Readonly<{ base: bigint; quote: bigint; minShares: bigint; deadline: bigint }>;
export type RemovePlan = Readonly<{ shares: bigint; minBase: bigint; minQuote: bigint; deadline: bigint }>;

/** Limits and clock, read from the settings once. */
export interface Terms {
  toleranceBps: number;
  deadlineMinutes: number;
  nowMs: number;
}

/**
 * A deposit of `base` and the quote it needs, with at least the pro-rata shares less the
 * tolerance. Throws a `LiquidityError` for a zero amount, for an empty pool (its first deposit
 * sets the ratio, which the deployment makes) and for a pool whose shares have not been read with
 * its reserves (a pool holding reserves always has shares: a plan from such a shape would ask for
 * none); `LimitError` (slippage) for terms out of range.
 */
export function planAdd(base: bigint, pool: PoolShape, terms: Terms): AddPlan {
  if (base <= 0n) throw new LiquidityError("Enter an amount greater than zero.");
  const [rb, rq] = pool.reserves;
  if (rb === 0n || rq === 0n) {
    throw new LiquidityError("The pool is empty: its first deposit sets its price, and is the deployment's to make.");
  }
  if (pool.totalShares === 0n) throw new LiquidityError(STILL_READING);
  const expected = (base * pool.totalShares) / rb;
  return Object.freeze({
    base,
    quote: quoteFor(base, pool),
    minShares: minOut(expected, terms.toleranceBps),
    deadline: deadline(terms.nowMs, terms.deadlineMinutes),
  });
}

/** What a withdrawal says before the chosen account's own shares have been read. */
export const SHARES_STILL_READING = "Your pool shares are still being read; try again in a moment.";

/** The pool shares an account was last read to hold. */
export type Held = Readonly<{ account: string; shares: bigint }>;

/**
 * The shares `account` holds, from `held` if that was read for it; a `LiquidityError` if it was
 * read for another account (the one chosen before a switch) or not yet.
 */
export function sharesOf(held: Held | undefined, account: string): bigint {
  if (held?.account !== account) throw new LiquidityError(SHARES_STILL_READING);
  return held.shares;
}

/**
 * A withdrawal of `shares` out of `held`, with at least the pro-rata part of each reserve less the
 * tolerance. Throws a `LiquidityError` for a zero amount or more than `held`.
 */
export function planRemove(shares: bigint, held: bigint, pool: PoolShape, terms: Terms): RemovePlan {
  if (shares <= 0n) throw new LiquidityError("Enter an amount greater than zero.");
  if (shares > held) throw new LiquidityError("You hold fewer pool shares than that.");
  const out = (r: bigint) => (pool.totalShares === 0n ? 0n : minOut((r * shares) / pool.totalShares, terms.toleranceBps));
  return Object.freeze({
    shares,
    minBase: out(pool.reserves[0]),
    minQuote: out(pool.reserves[1]),
    deadline: deadline(terms.nowMs, terms.deadlineMinutes),
  });
}
