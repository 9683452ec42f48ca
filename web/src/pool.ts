// Keel's contracts as the app reads them: typed views over the pool, its tokens and its events.

import type { ApiPromise } from "@polkadot/api";
import type { EventRecord } from "@polkadot/types/interfaces";
import { ContractPromise } from "@polkadot/api-contract";
import { ask, codeHashAt, connect, query, queryBytes, type Answer } from "./chain";
import type { Bundle, Deployment } from "./deployment";
import { bundledCodeHash, codeHashProblems, type CodeCheck } from "./lib/codehash";
import { Core } from "./lib/core";
import { settleDecimals } from "./lib/decimals";
import type { PoolEvent } from "./lib/history";

export interface Keel {
  api: ApiPromise;
  deployment: Deployment;
  pool: ContractPromise;
  /** The oracle the pool reads; its feed is `deployment.feed`. */
  oracle: ContractPromise;
  base: ContractPromise;
  quote: ContractPromise;
  symbols: { base: string; quote: string };
  /** Each token's decimals (the token's own answer, else the record's), and the pool shares'. */
  decimals: { base: number; quote: number; shares: number };
  /** The chain is a local development chain (dev accounts may be offered). */
  dev: boolean;
  /** The node's genesis is the deployment's: the addresses mean what the record says. */
  rightNetwork: boolean;
  /**
   * Why the record's addresses cannot be trusted (one sentence each): an address that holds no
   * contract or other code than the bundled metadata's. Empty when all match; checked only on
   * the right network. The app must not start while this is non-empty. It holds at startup only:
   * every transaction checks the code it touches again before it is signed (`send`, chain.ts).
   */
  codeProblems: string[];
  /** Keel's core, for what the page computes as the keeper does (the Greeks, the band). */
  core: Core;
  /** Sentences for an info banner: an ignored `?node=` override, a record's decimals overruled. */
  notes: string[];
}

/** A u128/i128 as polkadot.js hands it over (number, decimal or hex string) as a bigint. */
export function big(v: unknown): bigint {
  if (typeof v === "bigint") return v;
  if (typeof v === "number") return BigInt(v);
  if (typeof v === "string") return BigInt(v.replace(/,/g, ""));
  throw new Error(`not a number: ${JSON.stringify(v)}`);
}

/**
 * The record's addresses checked against the bundled metadata's code hashes. The venue is checked
 * when its metadata is served; otherwise it is left out (the app never calls it).
 */
async function checkCode(api: ApiPromise, bundle: Bundle): Promise<string[]> {
  const { contracts: c } = bundle.deployment;
  const m = bundle.metadata;
  const wanted: [string, string, unknown][] = [
    ["pool", c.pool, m.pool],
    ["base token", c.base, m.token],
    ["quote token", c.quote, m.token],
    ["oracle", c.oracle, m.oracle],
    ...(m.venue !== undefined ? [["venue", c.venue, m.venue] as [string, string, unknown]] : []),
  ];
  const checks: CodeCheck[] = await Promise.all(wanted.map(async ([name, address, metadata]) => ({
    name,
    address,
    expected: bundledCodeHash(metadata),
    onChain: await codeHashAt(api, address).catch(() => null),
  })));
  return codeHashProblems(checks);
}

const DECIMALS = "psp22Metadata::tokenDecimals";

/** What `token` answers to `token_decimals`, or undefined when its ABI has no such message. */
async function decimalsOf(token: ContractPromise, caller: string): Promise<unknown> {
  if (!token.query[DECIMALS]) return undefined;
  return query(token, caller, DECIMALS);
}

/**
 * Connects to the record's node and, on the right network, checks the record's addresses against
 * the bundled code hashes before reading anything from them. A caller must show `codeProblems`
 * and stop when it is non-empty (and likewise for `rightNetwork` false); the other fields are then
 * placeholders.
 */
export async function open(bundle: Bundle): Promise<Keel> {
  const { deployment: d, metadata } = bundle;
  const api = await connect(d.node_url);
  const c = d.contracts;
  const pool = new ContractPromise(api, metadata.pool as never, c.pool);
  const oracle = new ContractPromise(api, metadata.oracle as never, c.oracle);
  const base = new ContractPromise(api, metadata.token as never, c.base);
  const quote = new ContractPromise(api, metadata.token as never, c.quote);
  const chain = (await api.rpc.system.chain()).toString();
  const rightNetwork = api.genesisHash.toHex() === d.genesis_hash;
  const keel: Keel = {
    api,
    deployment: d,
    pool,
    oracle,
    base,
    quote,
    symbols: { base: "BASE", quote: "QUOTE" },
    decimals: { base: d.decimals, quote: d.decimals, shares: d.decimals },
    dev: /development|local/i.test(chain),
    rightNetwork,
    codeProblems: rightNetwork ? await checkCode(api, bundle) : [],
    core: await Core.load(bundle.core),
    notes: [...bundle.notes],
  };
  if (!rightNetwork || keel.codeProblems.length > 0) return keel;

  const symbol = async (t: ContractPromise, fallback: string) =>
    ((await query(t, c.pool, "psp22Metadata::tokenSymbol").catch(() => null)) as string | null) ?? fallback;
  keel.symbols = { base: await symbol(base, "BASE"), quote: await symbol(quote, "QUOTE") };
  const [bd, qd, sd] = await Promise.all([decimalsOf(base, c.pool), decimalsOf(quote, c.pool), decimalsOf(pool, c.pool)]);
  const settled = {
    base: settleDecimals(keel.symbols.base, bd, d.decimals),
    quote: settleDecimals(keel.symbols.quote, qd, d.decimals),
    // Shares are the pool's own token: the record's `decimals` is only a fallback for them, never
    // a disagreement to report.
    shares: settleDecimals("pool shares", sd, sd === undefined ? d.decimals : undefined),
  };
  keel.decimals = { base: settled.base.decimals, quote: settled.quote.decimals, shares: settled.shares.decimals };
  keel.notes.push(...[settled.base.note, settled.quote.note].filter((n): n is string => n !== undefined));
  return keel;
}

export interface MarketStatus {
  price: bigint;
  volatility: bigint;
  /** When the answer's price was observed (ms), and its age at the chain's time. */
  timestamp: number;
  ageMs: number;
  /** The `k` the pool prices with now, and the target it ramps toward by at most `k_ramp` a block. */
  k: bigint;
  kTarget: bigint;
  fee: bigint;
  stale: boolean;
  /** The pool's reference: the oracle price moved by the flow since the reading was observed. */
  reference: bigint;
  /** The reference's offset from the oracle (1e18 relative, negative below it). */
  drift: bigint;
  /** The guard fee on top of `fee`, charged on the reference's distance from the oracle. */
  guardFee: bigint;
}

export async function marketStatus(k: Keel): Promise<Answer<MarketStatus>> {
  const r = await ask<Record<string, unknown>>(k.pool, k.deployment.contracts.pool, "marketStatus");
  if ("err" in r) return r;
  const m = r.ok;
  return {
    ok: {
      price: big(m.price),
      volatility: big(m.volatility),
      timestamp: Number(big(m.timestamp)),
      ageMs: Number(m.ageMs),
      k: big(m.k),
      kTarget: big(m.kTarget),
      fee: big(m.fee),
      stale: Boolean(m.stale),
      reference: big(m.reference),
      drift: big(m.drift),
      guardFee: big(m.guardFee),
    },
  };
}

/**
 * The views Keel's core reads (lib/core.ts), as SCALE bytes back to back: `curve_state`,
 * `market_status`'s value and `config`; null while the pool refuses to price its market (its
 * reason is `marketStatus`'s error).
 */
export async function coreViews(k: Keel): Promise<Uint8Array | null> {
  const at = k.deployment.contracts.pool;
  const [state, market, config] = await Promise.all([
    queryBytes(k.pool, at, "curveState"),
    queryBytes(k.pool, at, "marketStatus"),
    queryBytes(k.pool, at, "config"),
  ]);
  // `market_status` returns a `Result`: its first byte says which.
  const [tag, ...status] = market;
  if (tag !== 0) return null;
  const views = new Uint8Array(state.length + status.length + config.length);
  views.set(state, 0);
  views.set(status, state.length);
  views.set(config, state.length + status.length);
  return views;
}

/** One reporter's slot in the pool's feed: its latest reading, if any, and the block it came in. */
export interface FeedReading {
  reporter: string;
  reading: { price: bigint; volatility: bigint; timestamp: number } | null;
  block: number;
}

/** The feed's answer: the median of the fresh readings, both volatilities, and how many readings. */
export interface FeedAnswer {
  price: bigint;
  reportedVolatility: bigint;
  realizedVolatility: bigint;
  timestamp: number;
  readings: number;
}

/** The pool's oracle feed: its answer (null before a quorum has reported) and every reporter's slot. */
export async function feed(k: Keel): Promise<{ answer: FeedAnswer | null; readings: FeedReading[] }> {
  const caller = k.deployment.contracts.pool;
  const [a, slots] = await Promise.all([
    query(k.oracle, caller, "answer", k.deployment.feed) as Promise<Record<string, unknown> | null>,
    query(k.oracle, caller, "readings", k.deployment.feed) as Promise<Record<string, unknown>[]>,
  ]);
  const answer = a
    ? {
        price: big(a.price),
        reportedVolatility: big(a.reportedVolatility),
        realizedVolatility: big(a.realizedVolatility),
        timestamp: Number(big(a.timestamp)),
        readings: Number(a.readings),
      }
    : null;
  const readings = slots.map((slot) => {
    const r = slot.reading as Record<string, unknown> | null;
    return {
      reporter: String(slot.reporter),
      reading: r ? { price: big(r.price), volatility: big(r.volatility), timestamp: Number(big(r.timestamp)) } : null,
      block: Number(big(slot.block)),
    };
  });
  return { answer, readings };
}

export async function reserves(k: Keel): Promise<[bigint, bigint]> {
  const r = (await query(k.pool, k.deployment.contracts.pool, "reserves")) as unknown[];
  return [big(r[0]), big(r[1])];
}

export async function inventory(k: Keel): Promise<Answer<bigint>> {
  const r = await ask<unknown>(k.pool, k.deployment.contracts.pool, "inventory");
  return "err" in r ? r : { ok: big(r.ok) };
}

export interface Bands {
  trigger: bigint;
  target: bigint;
  /** What one rebalance costs (bps); 0 keeps the band fixed. */
  costBps: number;
  qMax: bigint;
  maxSkew: bigint;
}

export async function bands(k: Keel): Promise<Bands> {
  const c = (await query(k.pool, k.deployment.contracts.pool, "config")) as {
    curve: Record<string, unknown>;
    rebalance: Record<string, unknown>;
  };
  return {
    trigger: big(c.rebalance.trigger),
    target: big(c.rebalance.target),
    costBps: Number(c.rebalance.costBps ?? 0),
    qMax: big(c.curve.qMax),
    maxSkew: big(c.curve.maxSkew),
  };
}

/** The venues the pool rebalances on, the configured one first. */
export async function venues(k: Keel): Promise<string[]> {
  try {
    const v = (await query(k.pool, k.deployment.contracts.pool, "venues")) as unknown[];
    return v.map((a) => String(a));
  } catch {
    // A pool of code before `venues()`: its configured venue alone.
    return [k.deployment.contracts.venue];
  }
}

export interface Quote {
  amountIn: bigint;
  amountOut: bigint;
  fee: bigint;
}

/** The pool's quote for selling base (or quote), exact in or exact out. */
export async function quoteSwap(k: Keel, sellBase: boolean, exactOut: boolean, amount: bigint): Promise<Answer<Quote>> {
  const tokenIn = sellBase ? k.deployment.contracts.base : k.deployment.contracts.quote;
  const message = exactOut ? "quoteExactOut" : "quoteExactIn";
  const r = await ask<Record<string, unknown>>(k.pool, k.deployment.contracts.pool, message, tokenIn, amount);
  if ("err" in r) return r;
  return { ok: { amountIn: big(r.ok.amountIn), amountOut: big(r.ok.amountOut), fee: big(r.ok.fee) } };
}

export interface Holdings {
  base: bigint;
  quote: bigint;
  shares: bigint;
  totalShares: bigint;
}

export async function holdings(k: Keel, who: string): Promise<Holdings> {
  const at = k.deployment.contracts.pool;
  const [base, quote, shares, totalShares] = await Promise.all([
    query(k.base, at, "psp22::balanceOf", who),
    query(k.quote, at, "psp22::balanceOf", who),
    query(k.pool, at, "psp22::balanceOf", who),
    query(k.pool, at, "psp22::totalSupply"),
  ]);
  return { base: big(base), quote: big(quote), shares: big(shares), totalShares: big(totalShares) };
}

/** How much of `token` the pool may move for `owner`. */
export async function allowance(k: Keel, token: ContractPromise, owner: string): Promise<bigint> {
  return big(await query(token, k.deployment.contracts.pool, "psp22::allowance", owner, k.deployment.contracts.pool));
}

/** The chain's best block number. */
export async function head(k: Keel): Promise<number> {
  return (await k.api.rpc.chain.getHeader()).number.toNumber();
}

/** An event's fields by name, as plain values. */
type Fields = Record<string, unknown>;

/** The pool's event named `name` with `a`'s fields as the app reads it; null for other events. */
function poolEvent(name: string, block: number, a: Fields): PoolEvent | null {
  const s = (v: unknown) => String(v);
  switch (name) {
    case "Swapped":
      return { kind: "swap", block, trader: s(a.trader), to: s(a.to), tokenIn: s(a.tokenIn), amountIn: big(a.amountIn), amountOut: big(a.amountOut), fee: big(a.fee), oraclePrice: big(a.oraclePrice) };
    case "LiquidityAdded":
      return { kind: "added", block, provider: s(a.provider), to: s(a.to), base: big(a.baseIn), quote: big(a.quoteIn), shares: big(a.shares) };
    case "LiquidityRemoved":
      return { kind: "removed", block, provider: s(a.provider), to: s(a.to), base: big(a.baseOut), quote: big(a.quoteOut), shares: big(a.shares) };
    case "Rebalanced":
      return { kind: "rebalanced", block, epoch: big(a.epoch), qBefore: big(a.qBefore), qAfter: big(a.qAfter), bounty: big(a.bounty) };
    default:
      return null;
  }
}

/** The pool's swaps, deposits, withdrawals and rebalances in blocks `from..=to`, oldest first. */
export async function poolEventsIn(k: Keel, from: number, to: number): Promise<PoolEvent[]> {
  const found: PoolEvent[] = [];
  for (let n = Math.max(from, k.deployment.block); n <= to; n++) {
    const hash = await k.api.rpc.chain.getBlockHash(n);
    const records = (await (await k.api.at(hash)).query.system.events()) as unknown as EventRecord[];
    for (const record of records) {
      const { event } = record;
      if (event.section !== "contracts" || event.method !== "ContractEmitted") continue;
      if (event.data[0].toString() !== k.deployment.contracts.pool) continue;
      const decoded = k.pool.abi.decodeEvent(record);
      const name = decoded.event.identifier.split("::").pop() ?? "";
      const fields = Object.fromEntries(decoded.event.args.map((arg, i) => [arg.name, decoded.args[i].toPrimitive()]));
      const e = poolEvent(name, n, fields);
      if (e) found.push(e);
    }
  }
  return found;
}
