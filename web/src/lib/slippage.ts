// The limits a wallet puts on a swap so that the chain refuses it rather than fills it badly:
// the least output or the most input the trader accepts, and how long the offer stands.

export const BPS = 10_000n;
/** The widest tolerance the app lets a trader set: beyond this a "limit" protects nothing. */
export const MAX_TOLERANCE_BPS = 5_000;

export class LimitError extends Error {}

function checkTolerance(bps: number): bigint {
  if (!Number.isInteger(bps) || bps < 0 || bps > MAX_TOLERANCE_BPS) {
    throw new LimitError(`Slippage tolerance must be between 0% and ${MAX_TOLERANCE_BPS / 100}%.`);
  }
  return BigInt(bps);
}

/**
 * A tolerance typed as a percentage ("0.5", "1", ".25"), in basis points; NaN (which every limit
 * refuses) for anything else: an empty field, a sign, an exponent, hex, more than two decimals.
 */
export function toleranceFromPercent(text: string): number {
  const t = text.trim();
  return /^(\d+(\.\d{0,2})?|\.\d{1,2})$/.test(t) ? Math.round(Number(t) * 100) : NaN;
}

/** A deadline typed in whole or decimal minutes; NaN (which `deadline` refuses) for anything else. */
export function minutesFromText(text: string): number {
  const t = text.trim();
  return /^(\d+(\.\d*)?|\.\d+)$/.test(t) ? Number(t) : NaN;
}

/** The least an exact-in swap may pay: the quoted output less the tolerance, rounded down. */
export function minOut(quotedOut: bigint, toleranceBps: number): bigint {
  return (quotedOut * (BPS - checkTolerance(toleranceBps))) / BPS;
}

/** The most an exact-out swap may cost: the quoted input plus the tolerance, rounded up. */
export function maxIn(quotedIn: bigint, toleranceBps: number): bigint {
  const scaled = quotedIn * (BPS + checkTolerance(toleranceBps));
  return (scaled + BPS - 1n) / BPS;
}

/** The chain's latest block time as the page saw it: the time (ms, 0 before any) and the browser's
 * clock when it arrived (0 when that says nothing: the block the page found at connecting). */
export interface ChainClock {
  timeMs: number;
  seenAtMs: number;
}

/**
 * Now, for a deadline, which the pool compares with block time. On a live chain, once a block has
 * arrived as it was made: its time, moved on by as long as the browser's clock has run since
 * (`chain.seenAtMs`), so an offset of the browser's clock cancels out (hours ahead would stretch
 * every deadline by hours; behind, every transaction would expire). On a dev chain (`devChain`),
 * which seals a block only for a transaction, at its node's clock, and before a block has arrived
 * (the one found at connecting may be hours old on a chain that seals on demand): the later of the
 * browser's clock and the latest block's time. Before any block time is known, the browser's clock.
 */
export function deadlineNow(browserMs: number, chain: ChainClock, devChain: boolean): number {
  if (chain.timeMs <= 0) return browserMs;
  if (devChain || chain.seenAtMs <= 0) return Math.max(browserMs, chain.timeMs);
  return chain.timeMs + Math.max(0, browserMs - chain.seenAtMs);
}

/** The `deadline` argument (block time in ms): `minutes` after `nowMs`. */
export function deadline(nowMs: number, minutes: number): bigint {
  if (!Number.isFinite(minutes) || minutes < 1 || minutes > 24 * 60) {
    throw new LimitError("The deadline must be between 1 minute and 24 hours.");
  }
  return BigInt(Math.floor(nowMs)) + BigInt(Math.round(minutes * 60_000));
}

/**
 * How much worse than the oracle a trade fills, in basis points (negative when better).
 * Selling base, the fill price is out/in; buying base with quote, it is in/out.
 * `oraclePrice` is quote units per base unit in 1e18 fixed point, as the pool and oracle count it;
 * amounts are in each token's units, so the result holds whatever decimals the two tokens have.
 */
export function priceImpactBps(
  sellBase: boolean,
  amountIn: bigint,
  amountOut: bigint,
  oraclePrice: bigint,
): number {
  if (amountIn === 0n || amountOut === 0n || oraclePrice === 0n) return 0;
  const one = 10n ** 18n;
  const fill = sellBase ? (amountOut * one) / amountIn : (amountIn * one) / amountOut;
  const worse = sellBase ? oraclePrice - fill : fill - oraclePrice;
  return Number((worse * BPS * 100n) / oraclePrice) / 100;
}
