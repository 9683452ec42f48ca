// The pool's health over the last blocks, for the charts: at each block, the views the health
// page reads now (the market, inventory q, the reporters' readings), read in that block's state.
// Each refresh reads only the blocks not read yet, back to at most `HISTORY_BLOCKS` before the
// head (lib/cursor.ts).

import type { ApiPromise } from "@polkadot/api";
import type { ContractPromise } from "@polkadot/api-contract";
import { maxWeight } from "./chain";
import { fromFixed18 } from "./lib/amount";
import { ScanCursor } from "./lib/cursor";
import { wholeTokenPrice } from "./lib/decimals";
import { big, head, type Keel } from "./pool";

/** How many blocks back the charts reach. */
export const HISTORY_BLOCKS = 120;

/** The pool at the end of one block; null where a view was unreadable then. */
export interface Sample {
  block: number;
  /** Inventory q (a fraction, positive when long base). */
  q: number | null;
  /** The oracle's price and the pool's reference, quote per base in whole tokens. */
  oracle: number | null;
  reference: number | null;
  /** The fee a trade paid then (guard fee included), in bps, and `k`. */
  feeBps: number | null;
  k: number | null;
  /** The oracle reading's age at that block (s). */
  ageS: number | null;
  /** Each reporter's latest price then, in the feed's slot order (whole tokens). */
  reporters: (number | null)[];
}

/** The primitive value `message` returned in the state after block `hash` ({ok} / {err} for a `Result`). */
async function viewAt(api: ApiPromise, hash: string, contract: ContractPromise, caller: string, message: string, ...args: unknown[]): Promise<unknown> {
  const m = contract.abi.findMessage(message);
  const at = await api.at(hash);
  const result = (await at.call.contractsApi.call(caller, contract.address, 0, maxWeight(api), null, m.toU8a(args))) as unknown as {
    result: { isErr: boolean; asOk: { data: Uint8Array } };
  };
  if (result.result.isErr || !m.returnType) throw new Error(`${message} at ${hash} trapped`);
  const out = contract.abi.registry.createTypeUnsafe(m.returnType.lookupName ?? m.returnType.type, [result.result.asOk.data], { isPedantic: true });
  const lang = out.toPrimitive() as { ok?: unknown };
  return lang.ok;
}

/** The pool's sample at block `n`. */
async function sampleAt(k: Keel, n: number): Promise<Sample> {
  const hash = (await k.api.rpc.chain.getBlockHash(n)).toHex();
  const caller = k.deployment.contracts.pool;
  const price = (v: unknown) => fromFixed18(wholeTokenPrice(big(v), k.decimals.base, k.decimals.quote));
  const [market, q, slots] = await Promise.all([
    viewAt(k.api, hash, k.pool, caller, "marketStatus").catch(() => null) as Promise<{ ok?: Record<string, unknown> } | null>,
    viewAt(k.api, hash, k.pool, caller, "inventory").catch(() => null) as Promise<{ ok?: unknown } | null>,
    viewAt(k.api, hash, k.oracle, caller, "readings", k.deployment.feed).catch(() => []) as Promise<Record<string, unknown>[]>,
  ]);
  const m = market?.ok;
  return {
    block: n,
    q: q?.ok === undefined ? null : fromFixed18(big(q.ok)),
    oracle: m ? price(m.price) : null,
    reference: m ? price(m.reference) : null,
    feeBps: m ? fromFixed18(big(m.fee) + big(m.guardFee)) * 10_000 : null,
    k: m ? fromFixed18(big(m.k)) : null,
    ageS: m ? Number(m.ageMs) / 1000 : null,
    reporters: slots.map((s) => {
      const r = s.reading as Record<string, unknown> | null;
      return r ? price(r.price) : null;
    }),
  };
}

export class Samples {
  private cursor: ScanCursor<Sample> | null = null;

  constructor(private readonly keel: Keel) {}

  /** Reads the blocks not read yet, up to the head (the first call starts `HISTORY_BLOCKS` back). */
  async catchUp(): Promise<void> {
    const tip = await head(this.keel);
    this.cursor ??= new ScanCursor<Sample>(Math.max(this.keel.deployment.block, tip - HISTORY_BLOCKS + 1), HISTORY_BLOCKS);
    const range = this.cursor.claim(tip);
    if (!range) return;
    try {
      const read: Sample[] = [];
      for (let n = range.from; n <= range.to; n++) read.push(await sampleAt(this.keel, n));
      this.cursor.commit(range, read);
    } catch (e) {
      this.cursor.release(range);
      throw e;
    }
  }

  /** The samples read, oldest first, at most `HISTORY_BLOCKS`. */
  get items(): readonly Sample[] {
    return (this.cursor?.items ?? []).slice(-HISTORY_BLOCKS);
  }
}
