// Keel's contracts as the app reads them: typed views over the pool, its tokens and its events.
// Every read goes through the contracts' own generated types (src/contracts/, `npm run typegen`).

import type { DedotClient } from "dedot";
import { AccountId32 } from "dedot/codecs";
import { Contract } from "dedot/contracts";
import { answer, codeHashAt, connect, followChainTime, returnedBytes, setDevChainClock, type Answer } from "./chain";
import type { KeelOracleContractApi } from "./contracts/keel-oracle";
import type { KeelPoolContractApi } from "./contracts/keel-pool";
import type { KeelTokenContractApi } from "./contracts/keel-token";
import type { Bundle, Deployment } from "./deployment";
import { bundledCodeHash, codeHashProblems, type CodeCheck } from "./lib/codehash";
import { errorText } from "./lib/errors";
import { feedProblems } from "./lib/feed";
import { Core } from "./lib/core";
import { settleDecimals } from "./lib/decimals";
import { isDevChain, ss58Contracts, tokenProblems } from "./lib/record";
import type { PoolEvent } from "./lib/history";

export type Pool = Contract<KeelPoolContractApi>;
export type Token = Contract<KeelTokenContractApi>;
export type Oracle = Contract<KeelOracleContractApi>;

export interface Keel {
  client: DedotClient;
  deployment: Deployment;
  pool: Pool;
  /** The oracle the pool reads; its feed is `deployment.feed`. */
  oracle: Oracle;
  base: Token;
  quote: Token;
  symbols: { base: string; quote: string };
  /** Each token's decimals (the token's own answer, else the record's), and the pool shares'. */
  decimals: { base: number; quote: number; shares: number };
  /** The chain is a local development chain (dev accounts may be offered). */
  dev: boolean;
  /** The node's genesis is the deployment's: the addresses mean what the record says. */
  rightNetwork: boolean;
  /**
   * Why the record's addresses cannot be trusted (one sentence each): an address that holds no
   * contract or other code than the bundled metadata's, or a pool that does not read the record's
   * feed (`feedProblems`) or trade its tokens (`tokenProblems`). Empty when all match; checked only on
   * the right network. The app must not start while this is non-empty. It holds at startup only:
   * every transaction checks the code it touches again before it is signed (`send`, chain.ts).
   */
  codeProblems: string[];
  /** Keel's core, for what the page computes as the keeper does (the Greeks, the band). */
  core: Core;
  /** Sentences for an info banner: an ignored `?node=` override, a record's decimals overruled. */
  notes: string[];
}

/**
 * The record's addresses checked against the bundled metadata's code hashes. The venue is checked
 * when its metadata is served; otherwise it is left out (the app never calls it).
 */
async function checkCode(client: DedotClient, bundle: Bundle): Promise<string[]> {
  const { contracts: c } = bundle.deployment;
  const m = bundle.metadata;
  const wanted: [string, string, unknown][] = [
    ["pool", c.pool, m.pool],
    ["base token", c.base, m.token],
    ["quote token", c.quote, m.token],
    ["oracle", c.oracle, m.oracle],
    ...(c.mirror !== undefined ? [["oracle mirror", c.mirror, m.mirror] as [string, string, unknown]] : []),
    ...(m.venue !== undefined ? [["venue", c.venue, m.venue] as [string, string, unknown]] : []),
  ];
  const checks: CodeCheck[] = await Promise.all(wanted.map(async ([name, address, metadata]) => ({
    name,
    address,
    expected: bundledCodeHash(metadata),
    onChain: await codeHashAt(client, address).catch(() => null),
  })));
  return codeHashProblems(checks);
}

/** The caller of the app's reads: any account will do; the pool's own address is always valid. */
export const reader = (k: Keel) => ({ caller: k.deployment.contracts.pool });

/**
 * Connects to the record's node and, on the right network, checks the record's addresses against
 * the bundled code hashes before reading anything from them. A caller must show `codeProblems`
 * and stop when it is non-empty (and likewise for `rightNetwork` false); the other fields are then
 * placeholders.
 */
export async function open(bundle: Bundle): Promise<Keel> {
  const { metadata } = bundle;
  // Addresses spelt as the chain's events spell them (SS58, prefix 42), so comparing a record's
  // address with an event's never depends on the prefix the record was written with.
  const d = { ...bundle.deployment, contracts: ss58Contracts(bundle.deployment.contracts) };
  const client = await connect(d.node_url);
  await followChainTime(client);
  const c = d.contracts;
  const chainType = await client.rpc.system_chainType();
  setDevChainClock(isDevChain(chainType));
  const rightNetwork = client.genesisHash === d.genesis_hash;
  const keel: Keel = {
    client,
    deployment: d,
    pool: new Contract<KeelPoolContractApi>(client, metadata.pool as never, c.pool),
    oracle: new Contract<KeelOracleContractApi>(client, metadata.oracle as never, c.oracle),
    base: new Contract<KeelTokenContractApi>(client, metadata.token as never, c.base),
    quote: new Contract<KeelTokenContractApi>(client, metadata.token as never, c.quote),
    symbols: { base: "BASE", quote: "QUOTE" },
    decimals: { base: d.decimals, quote: d.decimals, shares: d.decimals },
    dev: isDevChain(chainType),
    rightNetwork,
    codeProblems: rightNetwork ? await checkCode(client, bundle) : [],
    core: await Core.load(bundle.core),
    notes: [...bundle.notes],
  };
  if (!rightNetwork || keel.codeProblems.length > 0) return keel;
  keel.codeProblems.push(...(await checkFeed(keel)));
  if (keel.codeProblems.length > 0) return keel;

  const at = reader(keel);
  const symbol = async (t: Token, fallback: string) => (await t.query.psp22MetadataTokenSymbol(at).catch(() => null))?.data ?? fallback;
  keel.symbols = { base: await symbol(keel.base, "BASE"), quote: await symbol(keel.quote, "QUOTE") };
  // The code hashes were checked against metadata that has this message: a failed read is the
  // node's failure, never a token without decimals, and must not fall back to the record's.
  const decimals = (t: Token | Pool) => t.query.psp22MetadataTokenDecimals(at).then((r) => r.data);
  const [bd, qd, sd] = await Promise.all([decimals(keel.base), decimals(keel.quote), decimals(keel.pool)]);
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

/**
 * The pool's feed (address and id), the oracle's mirror and the pool's tokens as the chain has
 * them, against the record; a read that fails is a problem too. Addresses are compared as SS58 (prefix 42), the
 * record's spelt the same way first.
 */
async function checkFeed(k: Keel): Promise<string[]> {
  const at = reader(k);
  const c = k.deployment.contracts;
  try {
    const [feed, mirror, tokens] = await Promise.all([k.pool.query.oracle(at), k.oracle.query.mirror(at), k.pool.query.tokens(at)]);
    const ss58 = (a: string) => new AccountId32(a).address();
    const record = { oracle: ss58(c.oracle), mirror: c.mirror === undefined ? undefined : ss58(c.mirror), feed: k.deployment.feed };
    const wiring = { poolReads: feed.data[0].address(), poolFeed: feed.data[1], oracleWrites: mirror.data?.address() ?? null };
    const traded: [string, string] = [tokens.data[0].address(), tokens.data[1].address()];
    return [...feedProblems(wiring, record), ...tokenProblems(traded, { base: ss58(c.base), quote: ss58(c.quote) })];
  } catch (e) {
    return [`The pool's feed, its tokens or the oracle's mirror could not be read: ${errorText(e)}.`];
  }
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
  const r = answer((await k.pool.query.marketStatus(reader(k))).data);
  if ("err" in r) return r;
  const m = r.ok;
  return { ok: { ...m, timestamp: Number(m.timestamp), ageMs: Number(m.ageMs) } };
}

/**
 * The hash of block `n` on the node's best chain; without `n`, of the node's best block now: what
 * reads made in one block's state use, rather than the last head the client was told of, which may
 * trail it.
 */
export async function blockHash(k: Keel, n?: number): Promise<`0x${string}`> {
  const hash = await k.client.rpc.chain_getBlockHash(n);
  if (!hash) throw new Error(`the node has no ${n === undefined ? "best block" : `block ${n}`}`);
  return hash;
}

/**
 * The state after block `hash` (`at`), with the pool and its oracle reading it. Only their queries
 * may be used: dedot builds a contract on a client that can also send, so the block's client
 * lends the live client's (unused) transaction builders.
 */
export async function contractsAt(k: Keel, hash: `0x${string}`) {
  const at = await k.client.at(hash);
  const lending = new Proxy(at, { get: (target, key) => (key === "tx" ? k.client.tx : Reflect.get(target, key)) });
  return {
    at,
    pool: new Contract<KeelPoolContractApi>(lending as never, k.pool.metadata as never, k.deployment.contracts.pool),
    oracle: new Contract<KeelOracleContractApi>(lending as never, k.oracle.metadata as never, k.deployment.contracts.oracle),
  };
}

/**
 * The views Keel's core reads (lib/core.ts), as SCALE bytes back to back: `curve_state`,
 * `market_status`'s value and `config`, all read in the best block's state; null while the pool
 * refuses to price its market (its reason is `marketStatus`'s error).
 */
export async function coreViews(k: Keel): Promise<Uint8Array | null> {
  const at = reader(k);
  const { pool } = await contractsAt(k, await blockHash(k));
  const [state, market, config] = await Promise.all([pool.query.curveState(at), pool.query.marketStatus(at), pool.query.config(at)]);
  return joinViews(state.raw, market.raw, config.raw);
}

/**
 * The views Keel's core reads, from the raw answers of `curve_state`, `market_status` and
 * `config` read in one state; null when `market_status` answered an error.
 */
export function joinViews(state: { result: unknown }, market: { result: unknown }, config: { result: unknown }): Uint8Array | null {
  // `market_status` returns a `Result`: its first byte says which.
  const [tag, ...status] = returnedBytes(market);
  if (tag !== 0) return null;
  const parts = [returnedBytes(state), Uint8Array.from(status), returnedBytes(config)];
  const views = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (views.set(p, at), at + p.length), 0);
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
  const at = reader(k);
  const [a, slots] = await Promise.all([k.oracle.query.answer(k.deployment.feed, at), k.oracle.query.readings(k.deployment.feed, at)]);
  return {
    answer: a.data ? { ...a.data, timestamp: Number(a.data.timestamp) } : null,
    readings: slots.data.map((slot) => ({
      reporter: slot.reporter.address(),
      reading: slot.reading ? { ...slot.reading, timestamp: Number(slot.reading.timestamp) } : null,
      block: Number(slot.block),
    })),
  };
}

/** The pool's reserves and total shares, read in one block's state (the node's best block now, `blockHash`). */
export async function poolShape(k: Keel): Promise<{ reserves: [bigint, bigint]; totalShares: bigint }> {
  const at = reader(k);
  const { pool } = await contractsAt(k, await blockHash(k));
  const [pair, total] = await Promise.all([pool.query.reserves(at), pool.query.psp22TotalSupply(at)]);
  return { reserves: pair.data, totalShares: total.data };
}

export async function reserves(k: Keel): Promise<[bigint, bigint]> {
  return (await k.pool.query.reserves(reader(k))).data;
}

export async function inventory(k: Keel): Promise<Answer<bigint>> {
  return answer((await k.pool.query.inventory(reader(k))).data);
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
  const c = (await k.pool.query.config(reader(k))).data;
  return {
    trigger: c.rebalance.trigger,
    target: c.rebalance.target,
    costBps: c.rebalance.costBps,
    qMax: c.curve.qMax,
    maxSkew: c.curve.maxSkew,
  };
}

/** The venues the pool rebalances on, the configured one first. */
export async function venues(k: Keel): Promise<string[]> {
  return (await k.pool.query.venues(reader(k))).data.map((a) => a.address());
}

export interface Quote {
  amountIn: bigint;
  amountOut: bigint;
  fee: bigint;
}

/** The pool's quote for selling base (or quote), exact in or exact out. */
export async function quoteSwap(k: Keel, sellBase: boolean, exactOut: boolean, amount: bigint): Promise<Answer<Quote>> {
  const tokenIn = sellBase ? k.deployment.contracts.base : k.deployment.contracts.quote;
  const ask = exactOut ? k.pool.query.quoteExactOut : k.pool.query.quoteExactIn;
  return answer((await ask(tokenIn, amount, reader(k))).data);
}

export interface Holdings {
  base: bigint;
  quote: bigint;
  shares: bigint;
  totalShares: bigint;
}

export async function holdings(k: Keel, who: string): Promise<Holdings> {
  const at = reader(k);
  const [base, quote, shares, totalShares] = await Promise.all([
    k.base.query.psp22BalanceOf(who, at),
    k.quote.query.psp22BalanceOf(who, at),
    k.pool.query.psp22BalanceOf(who, at),
    k.pool.query.psp22TotalSupply(at),
  ]);
  return { base: base.data, quote: quote.data, shares: shares.data, totalShares: totalShares.data };
}

/** How much of `token` the pool may move for `owner`. */
export async function allowance(k: Keel, token: Token, owner: string): Promise<bigint> {
  return (await token.query.psp22Allowance(owner, k.deployment.contracts.pool, reader(k))).data;
}

/** The node's best block number, asked of the node (the client's own record of the best block
 * may trail it by a notification not yet delivered: a scan up to it would miss the block a
 * transaction just landed in). */
export async function head(k: Keel): Promise<number> {
  const header = await k.client.rpc.chain_getHeader();
  if (!header) throw new Error("the node has no best block");
  return header.number;
}

/** Blocks whose events are read at once. */
const PARALLEL_BLOCKS = 8;

/**
 * The pool's swaps, deposits, withdrawals and rebalances in blocks `from..=to`, oldest first, and
 * how many of its events in them could not be decoded (emitted by code of another ABI) and were
 * skipped. Blocks are read `PARALLEL_BLOCKS` at a time. Reading a block's events needs its state:
 * a node that has pruned it (not an archive node) fails the read.
 */
export async function poolEventsIn(k: Keel, from: number, to: number): Promise<{ events: PoolEvent[]; undecoded: number }> {
  const numbers = Array.from({ length: Math.max(0, to - Math.max(from, k.deployment.block) + 1) }, (_, i) => Math.max(from, k.deployment.block) + i);
  const found: PoolEvent[] = [];
  let undecoded = 0;
  for (let i = 0; i < numbers.length; i += PARALLEL_BLOCKS) {
    const blocks = await Promise.all(numbers.slice(i, i + PARALLEL_BLOCKS).map(async (n) => {
      return { n, records: await (await k.client.at(await blockHash(k, n))).query.system.events() };
    }));
    for (const { n: block, records } of blocks) {
      for (const record of records) {
        let decoded;
        try {
          decoded = k.pool.decodeEvents([record]);
        } catch {
          undecoded++;
          continue;
        }
        for (const e of decoded) {
          const found1 = poolEvent(k, block, e);
          if (found1) found.push(found1);
        }
      }
    }
  }
  return { events: found, undecoded };
}

/** `e` as the app reads it; null for the pool's other events. */
function poolEvent(k: Keel, block: number, e: ReturnType<Pool["decodeEvents"]>[number]): PoolEvent | null {
  const ev = k.pool.events;
  if (ev.Swapped.is(e)) {
    const a = e.data;
    return { kind: "swap", block, trader: a.trader.address(), to: a.to.address(), tokenIn: a.tokenIn.address(), amountIn: a.amountIn, amountOut: a.amountOut, fee: a.fee, oraclePrice: a.oraclePrice };
  }
  if (ev.LiquidityAdded.is(e)) {
    const a = e.data;
    return { kind: "added", block, provider: a.provider.address(), to: a.to.address(), base: a.baseIn, quote: a.quoteIn, shares: a.shares };
  }
  if (ev.LiquidityRemoved.is(e)) {
    const a = e.data;
    return { kind: "removed", block, provider: a.provider.address(), to: a.to.address(), base: a.baseOut, quote: a.quoteOut, shares: a.shares };
  }
  if (ev.Rebalanced.is(e)) {
    const a = e.data;
    return { kind: "rebalanced", block, epoch: a.epoch, qBefore: a.qBefore, qAfter: a.qAfter, bounty: a.bounty };
  }
  return null;
}
