// The storage deposit limit a transaction carries. The dry-run reports the deposit the call would
// charge (or refund); the signed transaction may then commit at most that plus a margin. A limit
// of `undefined` means "unlimited" to the chain client, so this never returns one.

export class DepositError extends Error {}

/** Margin over the dry-run's charge, in percent: the state may grow a little before inclusion. */
export const DEPOSIT_MARGIN_PCT = 20n;

/**
 * The most storage deposit the app lets one transaction commit, margin included, in the chain's
 * smallest native unit: 10^12, one whole token on a 12-decimal chain such as the contracts node
 * (and the keeper's default `max_deposit`). Keel's own calls need a small fraction of it (a new
 * balance or allowance entry); a dry-run asking for more is a hostile or broken node, and the app
 * refuses to sign rather than let it spend the account's free balance.
 */
export const MAX_STORAGE_DEPOSIT = 1_000_000_000_000n;

/** What a dry-run reported: a charge the call would take, or a refund it would give back. */
export type DryRunDeposit = { charge: bigint } | { refund: bigint };

/**
 * The `storageDepositLimit` for a call whose dry-run reported `deposit`: the charge plus
 * `DEPOSIT_MARGIN_PCT`, rounded up; 0 for a refund (the call needs no deposit). Throws a
 * `DepositError` when the limit would exceed `ceiling` (default `MAX_STORAGE_DEPOSIT`) or the
 * report is negative. The result is always a finite bigint in 0..=ceiling.
 */
export function depositLimit(deposit: DryRunDeposit, ceiling: bigint = MAX_STORAGE_DEPOSIT): bigint {
  if ("refund" in deposit) {
    if (deposit.refund < 0n) throw new DepositError("The node reported a negative storage deposit refund.");
    return 0n;
  }
  if (deposit.charge < 0n) throw new DepositError("The node reported a negative storage deposit charge.");
  const limit = (deposit.charge * (100n + DEPOSIT_MARGIN_PCT) + 99n) / 100n;
  if (limit > ceiling) {
    throw new DepositError(
      `The node asks for a storage deposit of up to ${limit} (smallest native units), above the app's ceiling of ${ceiling}.`,
    );
  }
  return limit;
}
