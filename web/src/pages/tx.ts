// The step the writes share: a PSP22 approval when the pool may not yet move enough.

import { sendWatched, type Signing, addressOf } from "../chain";
import { describeTokenError } from "../lib/errors";
import { describeSent } from "../lib/outcome";
import { allowance, type Keel, type Token } from "../pool";

/**
 * Approves the pool for `amount` of `token` if needed; returns an error message, or null. The pool
 * is passed as a contract, so its code is checked before the allowance is signed.
 */
export async function approveIfNeeded(
  keel: Keel,
  token: Token,
  who: Signing,
  amount: bigint,
  progress: (text: string) => void,
): Promise<string | null> {
  if ((await allowance(keel, token, addressOf(who))) >= amount) return null;
  const step = (st: string) => progress(`Approving the pool to move your tokens… (${st})`);
  const sent = await sendWatched(token, who, step, "psp22Approve", keel.pool, amount);
  return "block" in sent ? null : describeSent(sent, "Approved", describeTokenError);
}
