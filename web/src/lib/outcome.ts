// How a transaction ended, and the sentence a person reads about it.

import { describePoolError } from "./errors";

/**
 * The outcome of a transaction: in a block; refused by the contract (at dry-run or on chain);
 * failed (the node, the wallet or the chain); or not sent because the app refused it first. A
 * `notSent` transaction never reached the node: `signed` says whether the wallet had signed it
 * before the app withheld it (the signature is then discarded).
 */
export type Sent =
  | { block: string }
  | { refused: unknown }
  | { failed: string }
  | { notSent: string; signed: boolean };

/** A sentence for `sent`; `done` starts the one for success ("Swapped"). */
export function describeSent(sent: Sent, done: string): string {
  if ("block" in sent) return `${done} in block ${sent.block.slice(0, 10)}…`;
  if ("refused" in sent) return describePoolError(sent.refused);
  if ("notSent" in sent) {
    return `${sent.notSent} ${sent.signed ? "The signed transaction was discarded, not sent." : "Nothing was signed."}`;
  }
  return `The transaction failed: ${sent.failed}`;
}
