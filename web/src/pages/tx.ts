// The steps the writes share: the pool's answer before anything is signed, and a PSP22 approval
// when the pool may not yet move enough.

import { refusalNow, sendWatched, type Signing, addressOf } from "../chain";
import { describeTokenError, waitsOnApproval } from "../lib/errors";
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

/**
 * Why the pool refuses `message` with `args` now, in plain words, or null when it takes it (or
 * would once the approval it lacks lands): asked before any approval is signed, so a write the
 * pool refuses (paused, past its band, too small for a share) costs no approval.
 */
export async function refusedBeforeApproval(
  keel: Keel,
  who: Signing,
  message: "swapExactIn" | "swapExactOut" | "addLiquidity",
  ...args: unknown[]
): Promise<string | null> {
  const answer = await refusalNow(keel.pool, who, message, ...args);
  if (answer === null || ("refused" in answer && waitsOnApproval(answer.refused))) return null;
  return describeSent(answer, "");
}
