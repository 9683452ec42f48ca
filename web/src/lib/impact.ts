/**
 * How a swap's price impact is met before anything is signed, at the thresholds Uniswap's
 * interface uses: below 1% nothing is said; from 1% a notice, from 3% a warning, from 5% a strong
 * warning; above 10% the trader types "confirm"; above 15% the swap is blocked unless expert mode
 * is on, where it asks for "confirm" too. Keel measures impact against the oracle's price, so the
 * fee, the inventory skew and the curve's slippage all count, and it judges the worst fill the
 * transaction allows (the quote at the slippage tolerance's limit), not the quote alone: a wide
 * tolerance cannot carry a trade past a threshold unasked.
 */

import { maxIn, minOut, priceImpactBps } from "./slippage";

/** The impact (bps against `oraclePrice`) of the worst fill a swap quoted at `amountIn` for
 * `amountOut` may get at `toleranceBps`: the least received for exact in, the most paid for exact
 * out. Throws `LimitError` for a tolerance out of range. */
export function worstImpactBps(
  swap: { sellBase: boolean; exactOut: boolean },
  amountIn: bigint,
  amountOut: bigint,
  toleranceBps: number,
  oraclePrice: bigint,
): number {
  return swap.exactOut
    ? priceImpactBps(swap.sellBase, maxIn(amountIn, toleranceBps), amountOut, oraclePrice)
    : priceImpactBps(swap.sellBase, amountIn, minOut(amountOut, toleranceBps), oraclePrice);
}

export type ImpactLevel = "low" | "notice" | "warning" | "high" | "confirm" | "blocked";

/** Each level's lower bound, in basis points of the oracle price; a level starts above its bound
 * for "confirm" and "blocked", at it for the others. */
export const IMPACT_BPS = { notice: 100, warning: 300, high: 500, confirm: 1_000, blocked: 1_500 } as const;

/** The word the trader types to accept an impact above 10%. */
export const CONFIRM_WORD = "confirm";

export function impactLevel(bps: number, expert: boolean): ImpactLevel {
  if (bps > IMPACT_BPS.blocked) return expert ? "confirm" : "blocked";
  if (bps > IMPACT_BPS.confirm) return "confirm";
  if (bps >= IMPACT_BPS.high) return "high";
  if (bps >= IMPACT_BPS.warning) return "warning";
  if (bps >= IMPACT_BPS.notice) return "notice";
  return "low";
}

/** What the page says at `level` for an impact of up to `bps`; null when nothing needs saying. */
export function impactWarning(level: ImpactLevel, bps: number): string | null {
  // Rounded up: an impact just past a threshold never reads as the threshold itself.
  const pct = `${(Math.ceil(bps) / 100).toFixed(2)}%`;
  switch (level) {
    case "low":
      return null;
    case "notice":
      return `Price impact up to ${pct}: this trade may fill ${pct} worse than the oracle price.`;
    case "warning":
      return `High price impact (up to ${pct}). A smaller trade, or several over time, would cost less.`;
    case "high":
      return `Very high price impact (up to ${pct}): you may lose ${pct} of the trade's value against the oracle price.`;
    case "confirm":
      return `Price impact up to ${pct} is above 10%. Type "${CONFIRM_WORD}" to swap anyway.`;
    case "blocked":
      return `Price impact up to ${pct} is above 15%: the swap is blocked. Trade a smaller amount, or turn on expert mode.`;
  }
}

/** The warning when the oracle price cannot be read: impact is unknown, so the swap is blocked. */
export const IMPACT_UNKNOWN = "The oracle price cannot be read, so the price impact is unknown: the swap is blocked.";

/** Whether a swap at `level` may be signed, given what the trader typed in the confirmation box. */
export function mayProceed(level: ImpactLevel, typed: string): boolean {
  if (level === "blocked") return false;
  if (level === "confirm") return typed.trim().toLowerCase() === CONFIRM_WORD;
  return true;
}
