// How many decimals each token has. The token contract on chain is the authority; the deployment
// record's single `decimals` is a fallback for a token that does not say (no PSP22Metadata
// `token_decimals` message). A record that disagrees with its token loses, and the caller is told.

export class DecimalsError extends Error {}

/** The most decimals the app accepts: 10^38 already exceeds a `u128` amount of one whole token. */
export const MAX_DECIMALS = 38;

/** A token's decimals and where they came from; `note` explains a disagreement with the record. */
export interface Decimals {
  decimals: number;
  source: "chain" | "record";
  note?: string;
}

function valid(d: unknown): d is number {
  return typeof d === "number" && Number.isInteger(d) && d >= 0 && d <= MAX_DECIMALS;
}

/**
 * Settles a token's decimals. `onChain` is what the token's `token_decimals` answered, or
 * `undefined` when the token has no such message; `recorded` is the record's `decimals`. The chain
 * wins whenever it answers; the record is used only when the token has no message. Either value
 * outside 0..=38 (or not an integer) is refused with a `DecimalsError`, as is a token with neither.
 */
export function settleDecimals(token: string, onChain: unknown, recorded: unknown): Decimals {
  if (onChain !== undefined) {
    const n = typeof onChain === "string" && /^\d+$/.test(onChain) ? Number(onChain) : onChain;
    if (!valid(n)) throw new DecimalsError(`${token} reports ${JSON.stringify(onChain)} decimals, which the app cannot use.`);
    if (recorded !== undefined && recorded !== n) {
      return { decimals: n, source: "chain", note: `${token} has ${n} decimals on chain; the deployment record says ${JSON.stringify(recorded)}. The chain's value is used.` };
    }
    return { decimals: n, source: "chain" };
  }
  if (!valid(recorded)) throw new DecimalsError(`${token} does not report its decimals and the deployment record has no valid value.`);
  return { decimals: recorded, source: "record" };
}

/**
 * A 1e18 quote-per-base price in token units (as the pool and oracle count it) as a 1e18 price in
 * whole tokens, for display: units × 10^(base decimals − quote decimals). Exact; truncates when
 * the quote token has more decimals.
 */
export function wholeTokenPrice(unitPrice: bigint, baseDecimals: number, quoteDecimals: number): bigint {
  const shift = baseDecimals - quoteDecimals;
  return shift >= 0 ? unitPrice * 10n ** BigInt(shift) : unitPrice / 10n ** BigInt(-shift);
}
