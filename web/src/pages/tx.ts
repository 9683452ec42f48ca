// The steps the writes share: the pool's answer before anything is signed, a PSP22 approval when
// the pool may not yet move enough, and the pool's transaction held in flight while it may land.

import { accountNonce, addressOf, inFlightNowMs, refusalNow, sendWatched, type Signing } from "../chain";
import { describeTokenError, waitsOnApproval } from "../lib/errors";
import { INCLUDED_MEANWHILE, SENT_MEANWHILE, type InFlight } from "../lib/inflight";
import { describeSent, type Sent } from "../lib/outcome";
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
  const sent = await sendWatched(token, who, { progress: step }, "psp22Approve", keel.pool, amount);
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

/** The wait a pool transaction holds: `account` as the app names it (the generic format, which the
 * pages check before signing; a wallet may sign for another format), until `deadline`; `sent` is
 * `inFlight.sentCount(account)` as the flow's check read it. */
export interface Hold {
  inFlight: InFlight;
  account: string;
  deadline: bigint;
  sent: string;
}

/**
 * Sends the pool's `message` as `who`, holding `hold.account` from the moment the transaction goes
 * to the node until its outcome is reported, so neither a reload nor another tab signs again
 * meanwhile; with no outcome reported, the hold lasts until the deadline.
 */
export async function sendHeld(
  keel: Keel,
  who: Signing,
  hold: Hold,
  progress: (step: string) => void,
  message: "swapExactIn" | "swapExactOut" | "addLiquidity" | "removeLiquidity",
  ...args: unknown[]
): Promise<Sent> {
  const { inFlight, account, deadline } = hold;
  let held = false;
  const sending = (nonce: bigint | null) => {
    // Another page's transaction sent since this flow's check (where the browser has no locks),
    // still awaited or already settled.
    if (inFlight.sentSince(account, hold.sent)) return SENT_MEANWHILE;
    held = true;
    inFlight.note(account, deadline, inFlightNowMs(), nonce ?? undefined);
    return null;
  };
  const sent = await sendWatched(keel.pool, who, { progress, sending }, message, ...args);
  if (held && !("unreported" in sent)) inFlight.settle(account, deadline);
  return sent;
}

/**
 * Ends `account`'s wait for a transaction whose outcome no page saw, once the chain's nonce shows
 * it in a block (`InFlight.settleIncluded`), and returns the sentence that refuses this one click
 * so the trader looks at what landed first; null when no wait ended so.
 */
export async function includedMeanwhile(keel: Keel, inFlight: InFlight, account: string): Promise<string | null> {
  const next = await accountNonce(keel.client, account);
  return inFlight.settleIncluded(account, BigInt(next), inFlightNowMs()) ? INCLUDED_MEANWHILE : null;
}
