// Transactions sent without a reported outcome: still awaited, or never reported. Such a
// transaction may land until its deadline (the pool refuses it after), so a second click meanwhile
// could trade twice: the pages refuse another transaction from that account until the first one's
// outcome is reported or its deadline has passed. The wait is written as the transaction goes to
// the node and lives in the browser's storage, so a reload or another tab of the same app refuses
// too, while the outcome is awaited as after it was lost: reloading is what a trader does when a
// transaction hangs. The wait also keeps the nonce the transaction was signed with: once the
// account's nonce on chain has passed it, the transaction is in a block (or another with its nonce
// is, and it never will be), so the wait ends then rather than at the deadline.

/** Where the deadlines are kept: the browser's `localStorage`, or memory where it is unavailable. */
export interface DeadlineStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A store in this page's memory only. */
export class MemoryStore implements DeadlineStore {
  private readonly items = new Map<string, string>();
  getItem(key: string): string | null {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.items.set(key, value);
  }
  removeItem(key: string): void {
    this.items.delete(key);
  }
}

/**
 * The furthest ahead a deadline this app sets can lie: 24 hours (the longest deadline) plus as
 * much again for a browser clock ahead of the chain's. A stored deadline past it was not written
 * by this app, and would block the account for good: it is forgotten.
 */
export const MAX_WAIT_MS = 48 * 60 * 60_000;

/** Whether `deadline` is still open at `nowMs`, and no further ahead than the app sets. */
function isOpen(deadline: bigint, nowMs: number): boolean {
  const now = BigInt(Math.floor(nowMs));
  return deadline >= now && !tooFar(deadline, nowMs);
}

/** Whether `deadline` lies further ahead of `nowMs` than any deadline the app sets. */
function tooFar(deadline: bigint, nowMs: number): boolean {
  return deadline - BigInt(Math.floor(nowMs)) > BigInt(MAX_WAIT_MS);
}

/** What `InFlight.exclusively` needs of the browser's Web Locks (`navigator.locks`). */
export interface Locks {
  request<T>(name: string, options: { ifAvailable: true }, flow: (lock: unknown) => Promise<T>): Promise<T>;
}

/** A wait's transaction by the nonce it was signed with. */
interface Signed {
  deadline: bigint;
  nonce: bigint;
}

/** A flow run under an account's lock, or refused because another flow holds it. */
export type Exclusive<T> = { ran: T } | { busy: true };

/** Unreported transactions' deadlines (block time, ms), by account, for one pool on one chain. */
export class InFlight {
  /** This page's own copy: it holds even when the store refuses to keep anything. */
  private readonly here = new Map<string, bigint>();
  /** The nonce of this page's own wait, by account. */
  private readonly hereSigned = new Map<string, Signed>();

  /**
   * `scope` names the chain and pool: a deadline is block time of the chain it was signed for,
   * and a deployment on another chain (or a restarted dev chain) has nothing in flight. `locks`
   * are shared by every tab of the app (the browser's, where it has them).
   */
  constructor(
    private readonly store: DeadlineStore = new MemoryStore(),
    private readonly scope = "",
    private readonly locks: Locks | null = null,
  ) {}

  /**
   * Runs `flow` (an account's transaction, from the check of its wait to its outcome) unless
   * another flow for `account` is under way in any tab of the app: a wait is written only as a
   * transaction goes to the node, so two flows begun together would each find none, and a person
   * who clicks again in another tab while the wallet still asks for the first signature would
   * trade twice. Without locks (an insecure origin, an old browser) the flow runs unguarded.
   */
  async exclusively<T>(account: string, flow: () => Promise<T>): Promise<Exclusive<T>> {
    if (!this.locks) return { ran: await flow() };
    let entered = false;
    try {
      return await this.locks.request(`keel:sending:${this.scope}:${account}`, { ifAvailable: true }, async (lock) => {
        entered = true;
        return lock ? { ran: await flow() } : { busy: true as const };
      });
    } catch (e) {
      // A browser that has the API but refuses this page a lock (an opaque origin): unguarded,
      // as without locks. A failure of the flow itself is the caller's.
      if (entered) throw e;
      return { ran: await flow() };
    }
  }

  /**
   * How many transactions of `account`'s this app has sent, as the store counts them: taken at a
   * flow's check and compared with [`sentSince`] just before its own goes out, it tells whether
   * another tab sent one meanwhile, even one whose outcome has come back and whose wait is over.
   */
  sentCount(account: string): string {
    return this.read(this.countKey(account)) ?? "0";
  }

  /** Whether `account` has sent a transaction since `count` ([`sentCount`]) was taken. */
  sentSince(account: string, count: string): boolean {
    return this.sentCount(account) !== count;
  }

  /**
   * Notes at `nowMs` that `account`'s transaction, sent, may land until `deadline`; `nonce` is the
   * one it was signed with, if known ([`settleIncluded`]).
   */
  note(account: string, deadline: bigint, nowMs: number, nonce?: bigint): void {
    this.countSent(account);
    if (nonce !== undefined) {
      this.hereSigned.set(account, { deadline, nonce });
      this.write(this.nonceKey(account), `${deadline}:${nonce}`);
    }
    const mine = this.here.get(account);
    if (mine === undefined || deadline > mine) this.here.set(account, deadline);
    // A later stored deadline that is still open stays (another tab's); anything else is replaced.
    const stored = this.stored(account);
    if (stored !== null && stored >= deadline && isOpen(stored, nowMs)) return;
    this.put(account, deadline);
  }

  /**
   * Ends the wait `note` began for `deadline`, its outcome reported: this page's copy and the
   * stored one, each where it still holds that deadline (another tab's later one stays).
   */
  settle(account: string, deadline: bigint): void {
    if (this.here.get(account) === deadline) this.here.delete(account);
    if (this.stored(account) === deadline) this.forgetStored(account);
    if (this.hereSigned.get(account)?.deadline === deadline) this.hereSigned.delete(account);
    if (this.storedSigned(account)?.deadline === deadline) this.forget(this.nonceKey(account));
  }

  /**
   * Ends `account`'s waits whose transactions the chain has put in a block: those signed with a
   * nonce below `next`, the account's nonce at the best block (that transaction, or another with
   * its nonce, is in a block, and it can no longer land). Returns whether a wait still open at
   * `nowMs` ended so, for the page to say that the transaction it never saw the outcome of is in a
   * block (one whose deadline has passed is forgotten without a word).
   */
  settleIncluded(account: string, next: bigint, nowMs: number): boolean {
    let ended = false;
    const mine = this.hereSigned.get(account);
    if (mine !== undefined && mine.nonce < next) {
      this.hereSigned.delete(account);
      ended = this.ends(account, mine.deadline, nowMs) || ended;
    }
    const stored = this.storedSigned(account);
    if (stored !== null && stored.nonce < next) {
      this.forget(this.nonceKey(account));
      ended = this.ends(account, stored.deadline, nowMs) || ended;
    }
    return ended;
  }

  /**
   * Settles `account`'s wait for `deadline`; whether it was still held (here or in the store) and
   * open at `nowMs`.
   */
  private ends(account: string, deadline: bigint, nowMs: number): boolean {
    const held = (this.here.get(account) === deadline || this.stored(account) === deadline) && isOpen(deadline, nowMs);
    this.settle(account, deadline);
    return held;
  }

  /** The deadline of `account`'s unreported transaction still open at `nowMs`, else null. */
  openUntil(account: string, nowMs: number): bigint | null {
    // Each copy is judged on its own, so a bad stored value never clears this page's own. A
    // passed stored deadline is left alone (a tab that judges by a clock ahead of the chain's
    // must not end another tab's wait); one further ahead than the app sets is removed.
    let mine = this.here.get(account) ?? null;
    if (mine !== null && !isOpen(mine, nowMs)) {
      this.here.delete(account);
      mine = null;
    }
    let stored = this.stored(account);
    if (stored !== null && tooFar(stored, nowMs)) this.forgetStored(account);
    if (stored !== null && !isOpen(stored, nowMs)) stored = null;
    // The page's own wait is written back where the store lost it or holds an earlier one.
    if (mine !== null && (stored === null || stored < mine)) this.put(account, mine);
    if (mine === null) return stored;
    return stored !== null && stored > mine ? stored : mine;
  }

  private put(account: string, deadline: bigint): void {
    this.write(this.key(account), deadline.toString());
  }

  private write(key: string, value: string): void {
    try {
      this.store.setItem(key, value);
    } catch {
      // A full or refused store: this page still remembers.
    }
  }

  /** The stored text at `key`, or null when there is none or the store refuses to be read. */
  private read(key: string): string | null {
    try {
      return this.store.getItem(key);
    } catch {
      return null;
    }
  }

  private forget(key: string): void {
    try {
      this.store.removeItem(key);
    } catch {
      // Left to be judged again at the next look.
    }
  }

  /** The stored wait's nonce, or null when there is none or it is not one this app wrote. */
  private storedSigned(account: string): Signed | null {
    const text = this.read(this.nonceKey(account));
    const m = text === null ? null : /^(\d{1,20}):(\d{1,20})$/.exec(text);
    return m ? { deadline: BigInt(m[1]), nonce: BigInt(m[2]) } : null;
  }

  private nonceKey(account: string): string {
    return `keel:in-flight-nonce:${this.scope}:${account}`;
  }

  private countSent(account: string): void {
    const now = this.sentCount(account);
    const next = /^\d{1,20}$/.test(now) ? BigInt(now) + 1n : 1n;
    // A full or refused store: the locks, where the browser has them, still hold.
    this.write(this.countKey(account), next.toString());
  }

  private countKey(account: string): string {
    return `keel:sent:${this.scope}:${account}`;
  }

  private key(account: string): string {
    return `keel:in-flight:${this.scope}:${account}`;
  }

  /** The stored deadline, or null when there is none or it is not a deadline this app wrote. */
  private stored(account: string): bigint | null {
    const text = this.read(this.key(account));
    return text !== null && /^\d{1,20}$/.test(text) ? BigInt(text) : null;
  }

  private forgetStored(account: string): void {
    this.forget(this.key(account));
  }
}

/** The browser's `localStorage`, or this page's memory where the browser refuses it. */
export function browserStore(): DeadlineStore {
  try {
    const s = globalThis.localStorage;
    if (s) return s;
  } catch {
    // Storage disabled (a privacy setting): reading the property throws.
  }
  return new MemoryStore();
}

/** The browser's Web Locks, or null where it has none (they need a secure origin). */
export function browserLocks(): Locks | null {
  const locks = (globalThis.navigator as { locks?: Locks } | undefined)?.locks;
  return locks ?? null;
}

/** Why a signed transaction is withheld: another one from the account went out since the check. */
export const SENT_MEANWHILE = "Another transaction from this account went to the node after this one was checked: check Activity and your balances.";

/** The sentence that refuses a transaction while another flow holds the account's lock. */
export const ANOTHER_UNDER_WAY = "Another transaction from this account is under way in this app (here or in another tab; a wallet prompt left open there holds it until answered or its tab is closed): wait until it ends. Nothing was signed.";

/**
 * Now, for judging whether an unreported transaction's deadline has passed: the chain's latest
 * block time, the browser's clock only before the chain's is known. The pool compares the deadline
 * with block time, and no later block is earlier than the latest seen, whereas a browser clock
 * ahead of the chain would end the wait while the transaction can still land.
 */
export function inFlightNow(browserMs: number, chainMs: number): number {
  return chainMs > 0 ? chainMs : browserMs;
}

/** The sentence that refuses a transaction once, when the last one's wait ended on the chain's nonce. */
export const INCLUDED_MEANWHILE = "Your last transaction is in a block (or another from this account took its nonce), though this page never saw its outcome: check Activity and your balances before trading again. Nothing was signed.";

/** The sentence that refuses a new transaction while `deadline`'s is open. */
export function stillInFlight(deadline: bigint): string {
  const at = new Date(Number(deadline)).toLocaleTimeString();
  return `Your last transaction has no reported outcome, and it may still land until ${at} (its deadline): check Activity. Nothing was signed.`;
}
