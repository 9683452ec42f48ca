// The gas limit a transaction carries. The dry-run reports the weight the call would use; the
// signed transaction may then use at most that plus a margin, and never more than a ceiling the
// app sets, so a hostile or broken node cannot have the user sign for a whole block's gas.

export class GasError extends Error {}

/** A weight as the contracts pallet counts it: execution time and proof size. */
export interface Weight {
  refTime: bigint;
  proofSize: bigint;
}

/** Margin over the dry-run's weight, in percent: the state may change a little before inclusion. */
export const GAS_MARGIN_PCT = 20n;

/**
 * The most weight the app lets one transaction use, margin included: ref_time 100_000_000_000
 * (0.1 s) and proof size 2_000_000 bytes, the keeper's defaults. Keel's own calls need about
 * 13_000_000_000 ref_time and 350_000 proof size; a dry-run asking for more is a hostile or broken
 * node, and the app refuses to sign rather than let it spend the account's fees on a block's gas.
 */
export const MAX_GAS: Readonly<Weight> = Object.freeze({ refTime: 100_000_000_000n, proofSize: 2_000_000n });

/**
 * The `gasLimit` for a call whose dry-run reported `required`: each of `refTime` and `proofSize`
 * plus `margin` percent (default `GAS_MARGIN_PCT`), rounded up. Throws a `GasError` when either
 * would exceed its part of `ceiling` (default `MAX_GAS`) or the report is negative, and a
 * `RangeError` for a negative margin. The result is always within 0..=ceiling in both parts.
 */
export function gasLimit(required: Weight, margin: bigint = GAS_MARGIN_PCT, ceiling: Weight = MAX_GAS): Weight {
  if (margin < 0n) throw new RangeError(`A gas margin cannot be negative (${margin}%).`);
  const part = (name: string, value: bigint, max: bigint): bigint => {
    if (value < 0n) throw new GasError(`The node reported a negative ${name} for this call.`);
    const limit = (value * (100n + margin) + 99n) / 100n;
    if (limit > max) {
      throw new GasError(`The node says this call needs up to ${limit} ${name}, above the app's ceiling of ${max}.`);
    }
    return limit;
  };
  return {
    refTime: part("ref_time", required.refTime, ceiling.refTime),
    proofSize: part("proof size", required.proofSize, ceiling.proofSize),
  };
}
