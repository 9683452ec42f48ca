// A swap whose outcome the node never reports: the connection is cut after the node took the
// transaction and before it answered, so the page cannot know whether it landed. A reload and
// another tab must refuse that account's next transaction until the first one's deadline. And a
// swap whose outcome is still awaited (the node's answers withheld) holds the account the same
// way: reloading is what a trader does while a transaction hangs.

import assert from "node:assert/strict";
import type { KeyringPair } from "@polkadot/keyring/types";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { send } from "../src/chain";
import { holdings, type Holdings, type Keel } from "../src/pool";
import { E18, expectStatus, soldSince, text, waitForChange } from "./helpers";

/** Cuts the page's connection once the node has taken its next transaction, before its answer. */
async function cutAfterNextSubmit(page: Page): Promise<{ arm(): void }> {
  let armed = false;
  let submitId: unknown;
  await page.routeWebSocket(/127\.0\.0\.1/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (armed && typeof m === "string" && m.includes('"author_submitAndWatchExtrinsic"')) {
        submitId = (JSON.parse(m) as { id: unknown }).id;
        armed = false;
      }
      server.send(m);
    });
    server.onMessage((m) => {
      if (submitId !== undefined && typeof m === "string" && (JSON.parse(m) as { id?: unknown }).id === submitId) {
        submitId = undefined;
        void ws.close({ code: 4000, reason: "cut by the test" });
        return;
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

async function openAs(page: Page, web: string, label: string): Promise<void> {
  await page.goto(`${web}/#/swap`);
  await page.getByTestId("page-swap").waitFor();
  await page.getByTestId("account").selectOption({ label });
  await waitForChange(page, "swap-balances", "");
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

/** `trader` (a dev account the app lists as `label`) holds at least 20 BASE. */
export async function unreportedSwapHoldsTheAccount(browser: Browser, web: string, keel: Keel, trader: KeyringPair, label: string): Promise<void> {
  // A browser context of its own: its storage, and so its wait, is not the main page's.
  const context = await browser.newContext({ viewport: { width: 1000, height: 820 } });
  try {
    const { first, before } = await swapTenThrough(context, cutAfterNextSubmit, web, keel, trader, label);
    await expectStatus(first, "swap-status", "The transaction failed", 30_000);
    // The node had it: it lands although the page was never told.
    const landed = await soldSince(keel, trader.address, before, "the cut-off swap");
    assert.equal(before.base - landed.base, 10n * E18, "the cut-off swap sold 10 BASE");

    await first.reload();
    const second = await context.newPage();
    for (const [name, page] of [["after a reload", first], ["in another tab", second]] as const) {
      await openAs(page, web, label);
      await swapTen(page);
      await expectStatus(page, "swap-status", "no reported outcome", 10_000);
      assert.match(await text(page, "swap-status"), /Nothing was signed/, name);
    }
    assert.deepEqual(await holdings(keel, trader.address), landed, "a refused swap moved the trader's tokens");
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
    // page reloaded mid-wait and that other tab again (the wait written as the swap went out).
    const second = await context.newPage();
    const tries = [
      ["in another tab", second, "under way in this app"],
      ["after a reload", first, "no reported outcome"],
      ["in another tab, after the reload", second, "no reported outcome"],
    ] as const;
    for (const [name, page, refusal] of tries) {
      if (name === "after a reload") await first.reload();
      await openAs(page, web, label);
      await swapTen(page);
      await expectStatus(page, "swap-status", refusal, 10_000);
      assert.match(await text(page, "swap-status"), /Nothing was signed/, name);
    }
    assert.deepEqual(await holdings(keel, trader.address), landed, "a refused swap moved the trader's tokens");
  } finally {
    await context.close();
  }
}
