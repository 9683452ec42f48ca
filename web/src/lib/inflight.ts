// Transactions the node never reported an outcome for. Such a transaction may still land until its
// deadline (the pool refuses it after), so a second click meanwhile could trade twice: the pages
// refuse another transaction from that account until the first one's deadline has passed.

/** Unreported transactions' deadlines (block time, ms), by account. */
export class InFlight {
  private readonly until = new Map<string, bigint>();

  /** Notes that `account`'s transaction may still land until `deadline`. */
  note(account: string, deadline: bigint): void {
    const known = this.until.get(account);
    if (known === undefined || deadline > known) this.until.set(account, deadline);
  }

  /** The deadline of `account`'s unreported transaction still open at `nowMs`, else null. */
  openUntil(account: string, nowMs: number): bigint | null {
    const deadline = this.until.get(account);
    if (deadline === undefined) return null;
    if (BigInt(Math.floor(nowMs)) > deadline) {
      this.until.delete(account);
      return null;
    }
    return deadline;
  }
}

/**
 * Now, for judging whether an unreported transaction's deadline has passed: the chain's latest
 * block time, the browser's clock only before the chain's is known. The pool compares the deadline
 * with block time, and no later block is earlier than the latest seen, whereas a browser clock
 * ahead of the chain would end the wait while the transaction can still land.
 */
export function inFlightNow(browserMs: number, chainMs: number): number {
  return chainMs > 0 ? chainMs : browserMs;
}

/** This page's record of unreported transactions (a reload or another tab starts without it). */
export const inFlight = new InFlight();

/** The sentence that refuses a new transaction while `deadline`'s is open. */
export function stillInFlight(deadline: bigint): string {
  const at = new Date(Number(deadline)).toLocaleTimeString();
  return `Your last transaction's outcome was never reported, and it may still land until ${at} (its deadline): check Activity. Nothing was signed.`;
}
