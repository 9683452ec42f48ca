// How a transaction ended, and the sentence a person reads about it.

import { describePoolError } from "./errors";

/**
 * The outcome of a transaction: in a block; refused by the contract (at dry-run or on chain);
 * declined in the wallet (the person cancelled the signature); failed (the node, the wallet or
 * the chain); or not sent because the app refused it first. A `notSent` transaction never reached
 * the node: `signed` says whether the wallet had signed it before the app withheld it (the
 * signature is then discarded). A failure with `unreported` set is a sent transaction whose outcome
 * the node never reported: it may still land.
 */
export type Sent =
  | { block: string }
  | { refused: unknown }
  | { declined: true }
  | { failed: string; unreported?: true }
  | { notSent: string; signed: boolean };

/**
 * Whether a signer's error means the person cancelled: the polkadot.js extension rejects with
 * "Cancelled", Talisman and SubWallet with "Rejected by user", "User rejected..." or "Cancelled
 * by user". Other signer errors (a locked or missing key, an authorisation refused) are failures.
 */
export function declinedInWallet(e: unknown): boolean {
  const text = (e instanceof Error ? e.message : String(e)).trim();
  return /^(cancell?ed( by (the )?user)?|rejected( by (the )?user)?|user (rejected|cancell?ed|declined)\b.*)\.?$/i.test(text);
}

/**
 * A sentence for `sent`; `done` starts the one for success ("Swapped"), and `refusal` words the
 * called contract's own refusal (the pool's by default; a token's for an approval).
 */
export function describeSent(sent: Sent, done: string, refusal: (error: unknown) => string = describePoolError): string {
  if ("block" in sent) return `${done} in block ${sent.block.slice(0, 10)}…`;
  if ("refused" in sent) return refusal(sent.refused);
  if ("declined" in sent) return "You declined to sign in your wallet: nothing was sent.";
  if ("notSent" in sent) {
    return `${sent.notSent} ${sent.signed ? "The signed transaction was discarded, not sent." : "Nothing was signed."}`;
  }
  return `The transaction failed: ${sent.failed}`;
}

/**
 * `sentence` about a flow that ended short of its write, told of the approvals it sent first
 * (`left`: each amount with its symbol): they landed and stay, letting the pool move that much of
 * the account's tokens until it is spent or approved away.
 */
export function withApprovalsLeft(sentence: string, left: readonly string[]): string {
  if (left.length === 0) return sentence;
  const which = left.length === 1 ? "The approval sent before it stays" : "The approvals sent before it stay";
  return `${sentence} ${which}: the pool may move up to ${left.join(" and ")} of yours until that is spent or you approve 0.`;
}
