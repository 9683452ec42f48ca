// The steps every write shares: a PSP22 approval when the pool may not yet move enough, and
// plain words for how a transaction ended.

import type { ContractPromise } from "@polkadot/api-contract";
import { sendWatched, type Sent, type Signing, addressOf } from "../chain";
import { describePoolError } from "../lib/errors";
import { allowance, type Keel } from "../pool";

/** Approves the pool for `amount` of `token` if needed; returns an error message, or null. */
export async function approveIfNeeded(
  keel: Keel,
  token: ContractPromise,
  who: Signing,
  amount: bigint,
  progress: (text: string) => void,
): Promise<string | null> {
  if ((await allowance(keel, token, addressOf(who))) >= amount) return null;
  const step = (st: string) => progress(`Approving the pool to move your tokens… (${st})`);
  const sent = await sendWatched(token, who, step, "psp22::approve", keel.deployment.contracts.pool, amount);
  return "block" in sent ? null : describeSent(sent, "Approved");
}

export function describeSent(sent: Sent, done: string): string {
  if ("block" in sent) return `${done} in block ${sent.block.slice(0, 10)}…`;
  if ("refused" in sent) return describePoolError(sent.refused);
  return `The transaction failed: ${sent.failed}`;
}
