// A swap whose outcome the node never reports: the connection is cut as the transaction goes to
// the node, so the page cannot know whether it will land. While it may still land, a reload and
// another tab must refuse that account's next transaction, until the first one's deadline. Once
// the account's nonce on chain shows it in a block, the next click is refused once, saying so,
// and the account is free again. A swap whose outcome is still awaited (the node's answers
// withheld) holds the account the same way: reloading is what a trader does while a transaction
// hangs.

import assert from "node:assert/strict";
import type { KeyringPair } from "@polkadot/keyring/types";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { send } from "../src/chain";
import { holdings, type Holdings, type Keel } from "../src/pool";
import { E18, expectStatus, openAs, soldSince, text, waitForChange } from "./helpers";

/**
 * Cuts the page's connection at its next transaction once armed: after the node took it and
 * before it answered (`nodeHasIt`), or as it goes out, before the node has it.
 */
async function cutAtNextSubmit(page: Page, nodeHasIt: boolean): Promise<{ arm(): void }> {
  let armed = false;
  let submitId: unknown;
  await page.routeWebSocket(/127\.0\.0\.1/, (ws) => {
    const server = ws.connectToServer();
    const cut = () => void ws.close({ code: 4000, reason: "cut by the test" });
    ws.onMessage((m) => {
      if (armed && typeof m === "string" && m.includes('"author_submitAndWatchExtrinsic"')) {
        armed = false;
        if (!nodeHasIt) return cut();
        submitId = (JSON.parse(m) as { id: unknown }).id;
      }
      server.send(m);
    });
    server.onMessage((m) => {
      if (submitId !== undefined && typeof m === "string" && (JSON.parse(m) as { id?: unknown }).id === submitId) {
        submitId = undefined;
        return cut();
      }
      ws.send(m);
    });
  });
  return { arm: () => (armed = true) };
}

/** Withholds from the page every answer about its next transaction once armed: it stays pending. */
async function withholdNextOutcome(page: Page): Promise<{ arm(): void }> {
  let armed = false;
  await page.routeWebSocket(/127\.0\.0\.1/, (ws) => {
    // Per connection: a reload opens another, whose request ids start again.
    let submitId: unknown;
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (armed && typeof m === "string" && m.includes('"author_submitAndWatchExtrinsic"')) {
        submitId = (JSON.parse(m) as { id: unknown }).id;
        armed = false;
      }
      server.send(m);
    });
    server.onMessage((m) => {
      if (submitId !== undefined && typeof m === "string") {
        const answer = JSON.parse(m) as { id?: unknown; method?: string };
        if (answer.id === submitId || answer.method === "author_extrinsicUpdate") return;
      }
      ws.send(m);
    });
  });
  return { arm: () => (armed = true) };
}

/** Holds back every answer of the node to the page while stalled, and delivers them in order on release. */
export async function stallAnswers(page: Page): Promise<{ stall(): void; release(): void }> {
  let stalled = false;
  const queued: (() => void)[] = [];
  await page.routeWebSocket(/127\.0\.0\.1/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => server.send(m));
    server.onMessage((m) => (stalled ? queued.push(() => ws.send(m)) : ws.send(m)));
  });
  return {
    stall: () => (stalled = true),
    release: () => {
      stalled = false;
      queued.splice(0).forEach((deliver) => deliver());
    },
  };
}

async function swapTen(page: Page): Promise<void> {
  await page.getByTestId("swap-mode").selectOption("in");
  await page.getByTestId("swap-amount").fill("10");
  await waitForChange(page, "swap-receive", "–");
  await page.getByTestId("swap-submit").click();
}

/**
 * A first page of `context` whose connection `route` lies about its next transaction, open as
 * `trader`, sends a 10 BASE swap (approved beforehand, so the page's one transaction is the
 * swap); the page and the trader's holdings before it.
 */
async function swapTenThrough(
  context: BrowserContext,
  route: (page: Page) => Promise<{ arm(): void }>,
  web: string,
  keel: Keel,
  trader: KeyringPair,
  label: string,
): Promise<{ first: Page; before: Holdings }> {
  const first = await context.newPage();
  const lie = await route(first);
  const approved = await send(keel.base, { pair: trader }, "psp22Approve", keel.pool, 10n * E18);
  assert.ok("block" in approved, `approval: ${JSON.stringify(approved)}`);
  await openAs(first, web, label);
  const before = await holdings(keel, trader.address);
  lie.arm();
  await swapTen(first);
  return { first, before };
}

/** `page`, open as `label`, swaps 10 BASE and is told it swapped; the holdings after. */
async function swapsTen(page: Page, web: string, keel: Keel, trader: KeyringPair, label: string, before: Holdings): Promise<Holdings> {
  await openAs(page, web, label);
  await swapTen(page);
  await expectStatus(page, "swap-status", "Swapped in block", 60_000);
  const after = await holdings(keel, trader.address);
  assert.equal(before.base - after.base, 10n * E18, "the freed account's swap sold 10 BASE");
  return after;
}

/** `trader` (a dev account the app lists as `label`) holds at least 30 BASE. */
export async function unreportedSwapHoldsTheAccount(browser: Browser, web: string, keel: Keel, trader: KeyringPair, label: string): Promise<void> {
  // A browser context of its own: its storage, and so its wait, is not the main page's.
  let context = await browser.newContext({ viewport: { width: 1000, height: 820 } });
  try {
    // The node had it: it lands although the page was never told.
    const { first, before } = await swapTenThrough(context, (p) => cutAtNextSubmit(p, true), web, keel, trader, label);
    await expectStatus(first, "swap-status", "The transaction failed", 30_000);
    const landed = await soldSince(keel, trader.address, before, "the cut-off swap");
    assert.equal(before.base - landed.base, 10n * E18, "the cut-off swap sold 10 BASE");
    // After a reload the account's nonce shows it in a block: refused once, saying so ...
    await first.reload();
    await openAs(first, web, label);
    await swapTen(first);
    await expectStatus(first, "swap-status", "is in a block", 10_000);
    assert.match(await text(first, "swap-status"), /Nothing was signed/, "told of the landed swap");
    assert.deepEqual(await holdings(keel, trader.address), landed, "the refused click moved the trader's tokens");
    // ... and then free, long before the first swap's deadline, in another tab too.
    await swapsTen(await context.newPage(), web, keel, trader, label, landed);
    await context.close();

    // The node never had it: it may still land (another node may hold it) until its deadline.
    context = await browser.newContext({ viewport: { width: 1000, height: 820 } });
    const cut = await swapTenThrough(context, (p) => cutAtNextSubmit(p, false), web, keel, trader, label);
    await expectStatus(cut.first, "swap-status", "The transaction failed", 30_000);
    await cut.first.reload();
    const second = await context.newPage();
    for (const [name, page] of [["after a reload", cut.first], ["in another tab", second]] as const) {
      await openAs(page, web, label);
      await swapTen(page);
      await expectStatus(page, "swap-status", "no reported outcome", 10_000);
      assert.match(await text(page, "swap-status"), /Nothing was signed/, name);
    }
    assert.deepEqual(await holdings(keel, trader.address), cut.before, "a refused swap moved the trader's tokens");
  } finally {
    await context.close();
  }
}

/** As above, with the first page still waiting for the node's answer when the others look. */
export async function pendingSwapHoldsTheAccount(browser: Browser, web: string, keel: Keel, trader: KeyringPair, label: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 820 } });
  try {
    const { first, before } = await swapTenThrough(context, withholdNextOutcome, web, keel, trader, label);
    const landed = await soldSince(keel, trader.address, before, "the withheld swap");
    assert.equal(before.base - landed.base, 10n * E18, "the withheld swap sold 10 BASE");
    assert.match(await text(first, "swap-status"), /Sending the swap/, "the first page still waits for the outcome");

    // Another tab while the first page still waits (its flow holds the account), then the first
    // page reloaded mid-wait (the wait written as the swap went out; the nonce shows it landed).
    const second = await context.newPage();
    const tries = [
      ["in another tab", second, "under way in this app"],
      ["after a reload", first, "is in a block"],
    ] as const;
    for (const [name, page, refusal] of tries) {
      if (name === "after a reload") await first.reload();
      await openAs(page, web, label);
      await swapTen(page);
      await expectStatus(page, "swap-status", refusal, 10_000);
      assert.match(await text(page, "swap-status"), /Nothing was signed/, name);
    }
    assert.deepEqual(await holdings(keel, trader.address), landed, "a refused swap moved the trader's tokens");
    // Told once, the account is free in the other tab too.
    await swapsTen(second, web, keel, trader, label, landed);
  } finally {
    await context.close();
  }
}
