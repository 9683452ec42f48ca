import { describe, expect, it } from "vitest";
import { MINIMUM_LIQUIDITY, activityOf, blockLink, positionOf, type PoolEvent } from "./history";

const E18 = 10n ** 18n;
const [BOB, ANN, BASE, QUOTE] = ["bob", "ann", "base-token", "quote-token"];

const added = (block: number, to: string, base: bigint, quote: bigint, shares: bigint): PoolEvent =>
  ({ kind: "added", block, provider: to, to, base, quote, shares });
const removed = (block: number, who: string, base: bigint, quote: bigint, shares: bigint): PoolEvent =>
  ({ kind: "removed", block, provider: who, to: who, base, quote, shares });
const swap = (block: number, trader: string, tokenIn: string, fee: bigint, oraclePrice = 10n * E18): PoolEvent =>
  ({ kind: "swap", block, trader, to: trader, tokenIn, amountIn: 100n * E18, amountOut: 990n * E18, fee, oraclePrice });

describe("activity", () => {
  it("is the account's own swaps and liquidity, newest first", () => {
    const events = [
      added(1, ANN, 100n, 1_000n, 10n),
      swap(2, BOB, BASE, 1n),
      { kind: "rebalanced", block: 3, epoch: 1n, qBefore: 0n, qAfter: 0n, bounty: 0n } as PoolEvent,
      added(4, BOB, 1n, 10n, 1n),
      swap(5, ANN, QUOTE, 1n),
      removed(6, BOB, 1n, 10n, 1n),
    ];
    expect(activityOf(events, BOB).map((e) => e.block)).toEqual([6, 4, 2]);
  });

  it("counts a swap paid to the account", () => {
    const paid: PoolEvent = { ...(swap(2, ANN, BASE, 1n) as PoolEvent & { kind: "swap" }), to: BOB };
    expect(activityOf([paid], BOB)).toHaveLength(1);
  });
});

describe("position", () => {
  // Ann seeds 100 BASE + 1,000 QUOTE for 100 shares less the locked ones; Bob adds 10 + 100 for 10.
  const seeded = [
    added(1, ANN, 100n * E18, 1_000n * E18, 100n * E18 - MINIMUM_LIQUIDITY),
    added(2, BOB, 10n * E18, 100n * E18, 10n * E18),
  ];

  it("values the shares at the oracle price against holding the deposit", () => {
    // The price moved to 12 and the pool sold base: it holds 90 BASE and 1,250 QUOTE.
    const p = positionOf(seeded, BOB, { reserves: [90n * E18, 1_250n * E18], totalShares: 110n * E18, shares: 10n * E18, price: 12n * E18, base: BASE });
    expect(p.claim).toEqual({ base: (90n * E18) / 11n, quote: (1_250n * E18) / 11n });
    expect(p.held).toEqual({ base: 10n * E18, quote: 100n * E18 });
    expect(p.heldValue).toBe(220n * E18);
    expect(p.value).toBe(((90n * E18) / 11n) * 12n + (1_250n * E18) / 11n);
    expect(p.vsHold).toBe(p.value - 220n * E18);
  });

  it("says how many shares the events give, so a history behind the holdings can be told", () => {
    const now = { reserves: [110n * E18, 1_100n * E18] as const, totalShares: 110n * E18, price: 10n * E18, base: BASE };
    expect(positionOf(seeded, BOB, { ...now, shares: 10n * E18 }).sharesFromEvents).toBe(10n * E18);
    expect(positionOf(seeded.slice(0, 1), BOB, { ...now, shares: 10n * E18 }).sharesFromEvents).toBe(0n);
  });

  it("shares each swap's fee by the shares outstanding then, in quote at its oracle price", () => {
    const events = [
      ...seeded,
      swap(3, ANN, BASE, 11n * E18),             // 11 BASE at 10: 110 QUOTE, Bob's 1/11 is 10
      swap(4, ANN, QUOTE, 22n * E18),            // 22 QUOTE, Bob's 2
      removed(5, ANN, 50n * E18, 500n * E18, 50n * E18),
      swap(6, ANN, QUOTE, 6n * E18),             // 60 shares left: Bob's 1/6 is 1
    ];
    const p = positionOf(events, BOB, { reserves: [60n * E18, 600n * E18], totalShares: 60n * E18, shares: 10n * E18, price: 10n * E18, base: BASE });
    expect(p.fees).toBe(13n * E18);
  });

  it("does not depend on the pool's total now, only on the events (a deposit the events do not yet hold changes nothing)", () => {
    const events = [...seeded, swap(3, ANN, QUOTE, 11n * E18)];
    const now = { reserves: [110n * E18, 1_100n * E18] as const, shares: 10n * E18, price: 10n * E18, base: BASE };
    expect(positionOf(events, BOB, { ...now, totalShares: 110n * E18 }).fees).toBe(E18);
    expect(positionOf(events, BOB, { ...now, totalShares: 1_000n * E18 }).fees).toBe(E18);
  });

  it("starts from the shares outstanding before the first event read", () => {
    // The seeding deposit (100 shares) came before the deployment's block: only Bob's is read.
    const events = [added(2, BOB, 10n * E18, 100n * E18, 10n * E18), swap(3, ANN, QUOTE, 11n * E18)];
    const now = { reserves: [110n * E18, 1_100n * E18] as const, totalShares: 110n * E18, shares: 10n * E18, price: 10n * E18, base: BASE };
    expect(positionOf(events, BOB, now, 100n * E18).fees).toBe(E18);
  });

  it("counts the shares the first deposit locks among those sharing a fee", () => {
    // One share of three thousand, two of them locked: the depositor earns a third of the fee.
    const events = [added(1, BOB, 3n, 3n, 3n * MINIMUM_LIQUIDITY - MINIMUM_LIQUIDITY), swap(2, ANN, QUOTE, 3_000n)];
    const p = positionOf(events, BOB, { reserves: [3n, 3n], totalShares: 3n * MINIMUM_LIQUIDITY, shares: 2n * MINIMUM_LIQUIDITY, price: E18, base: BASE });
    expect(p.fees).toBe(2_000n);
  });

  it("never counts the account's shares below zero", () => {
    // Shares Bob received by transfer (not seen) and withdrew do not make him owe later fees.
    const events = [...seeded, removed(3, BOB, 20n * E18, 200n * E18, 20n * E18), added(4, BOB, 10n * E18, 100n * E18, 10n * E18), swap(5, ANN, QUOTE, 100n * E18)];
    const p = positionOf(events, BOB, { reserves: [100n * E18, 1_000n * E18], totalShares: 100n * E18, shares: 10n * E18, price: 10n * E18, base: BASE });
    expect(p.fees).toBe(10n * E18);
  });

  it("earns nothing before the first deposit or after the last withdrawal", () => {
    const events = [
      ...seeded.slice(0, 1),
      swap(2, ANN, QUOTE, 50n * E18),
      added(3, BOB, 10n * E18, 100n * E18, 10n * E18),
      removed(4, BOB, 10n * E18, 105n * E18, 10n * E18),
      swap(5, ANN, QUOTE, 50n * E18),
    ];
    const p = positionOf(events, BOB, { reserves: [100n * E18, 1_000n * E18], totalShares: 100n * E18, shares: 0n, price: 10n * E18, base: BASE });
    expect(p.fees).toBe(0n);
    expect(p.value).toBe(0n);
    // Withdrew 5 QUOTE more than deposited: providing beat holding by 5.
    expect(p.vsHold).toBe(5n * E18);
  });

  it("of an account that never provided is empty", () => {
    const p = positionOf(seeded, "carol", { reserves: [110n * E18, 1_100n * E18], totalShares: 110n * E18, shares: 0n, price: 10n * E18, base: BASE });
    expect(p).toEqual({ claim: { base: 0n, quote: 0n }, value: 0n, held: { base: 0n, quote: 0n }, heldValue: 0n, vsHold: 0n, fees: 0n, sharesFromEvents: 0n });
  });
});

describe("block links", () => {
  it("open the block on the explorer connected to the app's node", () => {
    expect(blockLink("ws://127.0.0.1:9944", 42)).toBe("https://polkadot.js.org/apps/?rpc=ws%3A%2F%2F127.0.0.1%3A9944#/explorer/query/42");
  });
});
