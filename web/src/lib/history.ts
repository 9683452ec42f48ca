// What the pool's events say about one account: its activity (swaps, deposits, withdrawals) and its
// liquidity position against holding what it deposited, with the fees its shares earned. The
// events are the chain's (`Swapped`, `LiquidityAdded`, `LiquidityRemoved`, `Rebalanced`), every
// one since the deployment, oldest first; shares moved by a plain token transfer are not seen.

const E18 = 10n ** 18n;

/** Shares the pool locks on its first deposit (`keel_core::MINIMUM_LIQUIDITY`); the first
 * `LiquidityAdded` counts only the depositor's. */
export const MINIMUM_LIQUIDITY = 1_000n;

interface At {
  /** The block the event is in. */
  block: number;
}

export type PoolEvent =
  | (At & { kind: "swap"; trader: string; to: string; tokenIn: string; amountIn: bigint; amountOut: bigint; fee: bigint; oraclePrice: bigint })
  | (At & { kind: "added"; provider: string; to: string; base: bigint; quote: bigint; shares: bigint })
  | (At & { kind: "removed"; provider: string; to: string; base: bigint; quote: bigint; shares: bigint })
  | (At & { kind: "rebalanced"; epoch: bigint; qBefore: bigint; qAfter: bigint; bounty: bigint });

/** Whether `e` is one of `account`'s own transactions or pays it. */
function involves(e: PoolEvent, account: string): boolean {
  switch (e.kind) {
    case "swap":
      return e.trader === account || e.to === account;
    case "added":
    case "removed":
      return e.provider === account || e.to === account;
    case "rebalanced":
      return false;
  }
}

/** `account`'s swaps, deposits and withdrawals, newest first. */
export function activityOf(events: readonly PoolEvent[], account: string): PoolEvent[] {
  return events.filter((e) => involves(e, account)).reverse();
}

/** The pool as it stands, for valuing a position. */
export interface PoolNow {
  reserves: readonly [bigint, bigint];
  totalShares: bigint;
  /** The account's shares. */
  shares: bigint;
  /** The oracle's price, quote per base (1e18). */
  price: bigint;
  /** The base token's address (a swap's fee is in the token sold). */
  base: string;
}

/** An LP position in quote at the oracle price: all amounts in token units. */
export interface Position {
  /** What the shares redeem for now, pro rata (before the pool's rounding). */
  claim: { base: bigint; quote: bigint };
  value: bigint;
  /** Deposited less withdrawn, per token: what holding instead would have kept. */
  held: { base: bigint; quote: bigint };
  heldValue: bigint;
  /** `value` less `heldValue` (withdrawals are netted into `held`): positive when providing beat
   * holding. */
  vsHold: bigint;
  /** Swap fees the account's shares earned while it held them, each at its swap's oracle price,
   * before the rebalance bounties the pool pays from its reserves. */
  fees: bigint;
  /** The shares the account's deposits and withdrawals in `events` leave it: when they differ
   * from the shares it holds now, the events are behind the state read (or shares moved by
   * transfer), and `held`, `vsHold` and `fees` do not describe its position. */
  sharesFromEvents: bigint;
}

const valueAt = (base: bigint, quote: bigint, price: bigint) => (base * price) / E18 + quote;

/**
 * `account`'s position from the pool's events (every one since the deployment, oldest first) and
 * the pool now. Each swap's fee is shared by the shares outstanding at the time, counted forward
 * from `sharesBefore`, the pool's shares before the first event's block (a first deposit also
 * locks `MINIMUM_LIQUIDITY`); the account's own shares never count below zero (shares it received
 * by transfer and withdrew are not its deposits).
 */
export function positionOf(events: readonly PoolEvent[], account: string, now: PoolNow, sharesBefore = 0n): Position {
  const claim = now.totalShares === 0n
    ? { base: 0n, quote: 0n }
    : { base: (now.reserves[0] * now.shares) / now.totalShares, quote: (now.reserves[1] * now.shares) / now.totalShares };
  const held = { base: 0n, quote: 0n };
  let total = sharesBefore;
  let mine = 0n;
  let fees = 0n;
  for (const e of events) {
    if (e.kind === "added") {
      total += e.shares + (total === 0n ? MINIMUM_LIQUIDITY : 0n);
      if (e.to === account) {
        mine += e.shares;
        held.base += e.base;
        held.quote += e.quote;
      }
    } else if (e.kind === "removed") {
      total -= e.shares;
      if (e.provider === account) {
        mine = mine > e.shares ? mine - e.shares : 0n;
        held.base -= e.base;
        held.quote -= e.quote;
      }
    } else if (e.kind === "swap" && mine > 0n && total > 0n) {
      const fee = e.tokenIn === now.base ? (e.fee * e.oraclePrice) / E18 : e.fee;
      fees += (fee * mine) / total;
    }
  }
  const value = valueAt(claim.base, claim.quote, now.price);
  const heldValue = valueAt(held.base, held.quote, now.price);
  return { claim, value, held, heldValue, vsHold: value - heldValue, fees, sharesFromEvents: mine };
}

/** A block's page on the polkadot.js explorer, connected to `nodeUrl`. */
export function blockLink(nodeUrl: string, block: number): string {
  return `https://polkadot.js.org/apps/?rpc=${encodeURIComponent(nodeUrl)}#/explorer/query/${block}`;
}
