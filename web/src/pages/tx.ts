// The steps the writes share: the pool's answer before anything is signed, a PSP22 approval when
// the pool may not yet move enough, and the pool's transaction held in flight while it may land.

import { accountNonce, addressOf, inFlightNowMs, refusalNow, sendWatched, type Signing } from "../chain";
import { describeTokenError, waitsOnApproval } from "../lib/errors";
import { INCLUDED_MEANWHILE, SENT_MEANWHILE, stillInFlight, type InFlight } from "../lib/inflight";
import { describeSent, type Sent } from "../lib/outcome";
import { allowance, type Keel, type Token } from "../pool";

/** What `approveIfNeeded` did: an approval sent and in a block (`sent`), none needed, or a failure in words. */
export type Approval = { sent: boolean } | { failed: string };

/**
 * Approves the pool for `amount` of `token` if needed. The pool is passed as a contract, so its
 * code is checked before the allowance is signed. An approval that lands stays whatever happens to
 * the write after it: a flow that ends short of its write says so (`withApprovalsLeft`).
 */
export async function approveIfNeeded(
  keel: Keel,
  token: Token,
  who: Signing,
  amount: bigint,
  progress: (text: string) => void,
): Promise<Approval> {
  if ((await allowance(keel, token, addressOf(who))) >= amount) return { sent: false };
  const step = (st: string) => progress(`Approving the pool to move your tokens… (${st})`);
  const sent = await sendWatched(token, who, { progress: step }, "psp22Approve", keel.pool, amount);
  return "block" in sent ? { sent: true } : { failed: describeSent(sent, "Approved", describeTokenError) };
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
 * What a swap or liquidity change checks at the click, under the account's lock: the account's
 * send count, taken before anything waits on the node (a send from another tab after it withholds
 * this flow's, `sendHeld`); then a wait whose transaction the chain's nonce shows in a block,
 * ended and refused once so the trader looks at what landed first (`InFlight.settleIncluded`);
 * then a wait still open. The refusal to show, or the count to hold the flow's send to.
 */
export async function checkAtClick(keel: Keel, inFlight: InFlight, account: string): Promise<{ refused: string } | { sentBefore: string }> {
  const sentBefore = inFlight.sentCount(account);
  const next = await accountNonce(keel.client, account);
  if (inFlight.settleIncluded(account, BigInt(next), inFlightNowMs())) return { refused: INCLUDED_MEANWHILE };
  const open = inFlight.openUntil(account, inFlightNowMs());
  if (open !== null) return { refused: stillInFlight(open) };
  return { sentBefore };
}
