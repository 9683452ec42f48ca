// The browser run's helpers: its own view of the chain, waits on the page, and the pool sized
// and configured for the price-impact step.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { KeyringPair } from "@polkadot/keyring/types";
import { Contract } from "dedot/contracts";
import { hexToU8a, u8aToHex } from "dedot/utils";
import type { Page } from "playwright-core";
import { connect, returnedBytes } from "../src/chain";
import type { KeelOracleContractApi } from "../src/contracts/keel-oracle";
import type { KeelPoolContractApi } from "../src/contracts/keel-pool";
import type { KeelTokenContractApi } from "../src/contracts/keel-token";
import { Core } from "../src/lib/core";
import { worstImpactBps } from "../src/lib/impact";
import { holdings, marketStatus, quoteSwap, type Holdings, type Keel } from "../src/pool";
import type { Deployment } from "../src/deployment";

export const E18 = 10n ** 18n;
const metadata = (name: string) => JSON.parse(readFileSync(`public/keel/${name}.json`, "utf8"));

/** The test's own view of the chain, through the app's typed reads. */
export async function chainView(node: string, deployment: Deployment): Promise<Keel> {
  const client = await connect(node);
  const c = deployment.contracts;
  return {
    client,
    deployment,
    pool: new Contract<KeelPoolContractApi>(client, metadata("keel_pool"), c.pool),
    oracle: new Contract<KeelOracleContractApi>(client, metadata("keel_oracle"), c.oracle),
    base: new Contract<KeelTokenContractApi>(client, metadata("keel_token"), c.base),
    quote: new Contract<KeelTokenContractApi>(client, metadata("keel_token"), c.quote),
    symbols: { base: "BASE", quote: "QUOTE" },
    decimals: { base: deployment.decimals, quote: deployment.decimals, shares: 18 },
    dev: true,
    rightNetwork: true,
    codeProblems: [],
    core: await Core.load(readFileSync("public/keel/keel_web_core.wasm")),
    notes: [],
  };
}

export async function text(page: Page, testid: string): Promise<string> {
  return (await page.getByTestId(testid).textContent()) ?? "";
}

/** Waits until the status line `testid` says `wanted`; on timeout, fails with what it said. */
export async function expectStatus(page: Page, testid: string, wanted: string, timeout = 30_000): Promise<void> {
  try {
    await page.getByTestId(testid).filter({ hasText: wanted }).waitFor({ timeout });
  } catch {
    assert.fail(`${testid} never said "${wanted}"; it says "${await text(page, testid)}"`);
  }
}

/** Waits until `done()` holds, checking every 100 ms; fails with `none` after `timeoutMs`. */
export async function until(done: () => boolean, timeoutMs: number, none: string): Promise<void> {
  for (let waited = 0; !done(); waited += 100) {
    assert.ok(waited < timeoutMs, none);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until `who`'s BASE balance has moved from `before`'s (a transaction the page was never
 * told of landing), within a minute; the holdings then. */
export async function soldSince(keel: Keel, who: string, before: Holdings, what: string): Promise<Holdings> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const now = await holdings(keel, who);
    if (now.base !== before.base) return now;
    assert.ok(Date.now() < deadline, `${what} never landed`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function waitForChange(page: Page, testid: string, before: string): Promise<string> {
  await page.waitForFunction(([id, old]) => {
    const t = document.querySelector(`[data-testid="${id}"]`)?.textContent ?? "";
    return t !== old && t !== "" && !t.includes("no account");
  }, [testid, before] as const, { timeout: 20_000 });
  return text(page, testid);
}

/** The price impact (bps against the oracle) the page judges buying BASE with `quote` whole QUOTE
 * at a 0.5% tolerance: the worst fill allowed; Infinity when the pool refuses it. The pool is long
 * base by now, so a small purchase fills below the oracle and impact grows from there. */
export async function impactBuying(keel: Keel, quote: bigint): Promise<number> {
  const [q, market] = await Promise.all([quoteSwap(keel, false, false, quote * E18), marketStatus(keel)]);
  if ("err" in q || "err" in market) return Infinity;
  return worstImpactBps({ sellBase: false, exactOut: false }, q.ok.amountIn, q.ok.amountOut, 50, market.ok.price);
}

/**
 * The owner sets the pool's `max_skew` to 50% and `q_max` to 90%. The call is built from the
 * configuration's own bytes, patched: dedot 1.3 encodes `PoolConfig<A>`'s `Option<A>` venue
 * without its tag (the app never writes a configuration).
 */
export async function widenBand(keel: Keel, owner: KeyringPair): Promise<void> {
  const read = await keel.pool.query.config({ caller: owner.address });
  const config = returnedBytes(read.raw);
  const u128 = (at: number, v: bigint) => config.set(Array.from({ length: 16 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn)), at);
  // CurveParams: four u128, a u64, four u128, a u64, then max_skew and q_max.
  u128(144, E18 / 2n);
  u128(160, (E18 / 10n) * 9n);
  const selector = keel.pool.query.setConfig.meta.selector;
  const data = u8aToHex(Uint8Array.from([...hexToU8a(selector), ...config]));
  const tx = (keel.client.tx as unknown as { contracts: { call(...a: unknown[]): { signAndSend(p: KeyringPair): { untilBestChainBlockIncluded(): Promise<{ dispatchError?: unknown }> } } } })
    .contracts.call(keel.deployment.contracts.pool, 0n, { refTime: 50_000_000_000n, proofSize: 1_000_000n }, undefined, data);
  const done = await tx.signAndSend(owner).untilBestChainBlockIncluded();
  assert.equal(done.dispatchError, undefined, "set_config lands");
  const now = (await keel.pool.query.config({ caller: owner.address })).data;
  assert.equal(now.curve.maxSkew, E18 / 2n, "the price band is 50%");
  assert.equal(now.curve.qMax, (E18 / 10n) * 9n, "the inventory bound is 90%");
}

/** The fewest whole QUOTE whose purchase's impact is above `bps` (bisection: impact grows with size). */
export async function sizeAbove(keel: Keel, bps: number): Promise<bigint> {
  let [lo, hi] = [1n, 1_000_000n];
  while (hi - lo > 1n) {
    const mid = (lo + hi) / 2n;
    if ((await impactBuying(keel, mid)) > bps) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Waits until the swap card has no read under way (its `aria-busy` cleared): whatever the page
 * shows from then on comes from reads started later. */
export async function settled(page: Page): Promise<void> {
  await page.locator('[data-testid="page-swap"][aria-busy="false"]').waitFor({ timeout: 20_000 });
}

/** `page` on the swap form of the app at `web`, as the dev account listed as `label`. */
export async function openAs(page: Page, web: string, label: string): Promise<void> {
  await page.goto(`${web}/#/swap`);
  await page.getByTestId("page-swap").waitFor();
  await page.getByTestId("account").selectOption({ label });
  await waitForChange(page, "swap-balances", "");
}
