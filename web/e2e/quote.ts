// A click on Swap plans from the quote on screen, never from one the trader has not seen: a click
// before the quote for the typed amount is shown plans nothing, and says so; nor does one before
// the limit at a newly typed slippage tolerance is shown.

import assert from "node:assert/strict";
import type { KeyringPair } from "@polkadot/keyring/types";
import type { Browser, Page } from "playwright-core";
import { holdings, type Keel } from "../src/pool";
import { expectStatus, openAs, settled, text, until, waitForChange } from "./helpers";

/**
 * Holds back the node's answers to the page's runtime calls (quotes, dry-runs) sent while
 * capturing, until released: a legacy `state_call`'s answer, or a `chainHead_v1_call`'s
 * `operationCallDone` event. Capturing goes on until release, so a new block's refresh (its first
 * call, the market's, held) cannot put anything on screen meanwhile. `held(selector)` counts the
 * held calls whose input carries that message selector.
 */
async function holdCalls(page: Page): Promise<{ capture(): void; held(selector?: string): number; release(): void }> {
  let capturing = false;
  const calls = new Map<unknown, string>();
  const operations = new Set<string>();
  const queued: (() => void)[] = [];
  await page.routeWebSocket(/127\.0\.0\.1/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (capturing && typeof m === "string") {
        const request = JSON.parse(m) as { id?: unknown; method?: string };
        if (request.method === "state_call" || request.method === "chainHead_v1_call") calls.set(request.id, m);
      }
      server.send(m);
    });
    server.onMessage((m) => {
      const answer = typeof m === "string" ? (JSON.parse(m) as Answer) : {};
      if (answer.id !== undefined && calls.has(answer.id)) {
        const operation = answer.result?.operationId;
        // A chainHead call answers "started" at once; its result comes as an event.
        if (operation !== undefined) return (operations.add(operation), ws.send(m));
        return void queued.push(() => ws.send(m));
      }
      const event = answer.params?.result;
      if (event?.event === "operationCallDone" && event.operationId !== undefined && operations.has(event.operationId)) {
        return void queued.push(() => ws.send(m));
      }
      ws.send(m);
    });
  });
  return {
    capture: () => (capturing = true),
    held: (selector) => [...calls.values()].filter((m) => selector === undefined || m.includes(selector.replace(/^0x/, ""))).length,
    release: () => {
      capturing = false;
      calls.clear();
      operations.clear();
      queued.splice(0).forEach((deliver) => deliver());
    },
  };
}

/** Waits until `calls` holds at least `count` calls (with `selector`, if given), failing with
 * `none` after 20 s. */
async function heldAtLeast(calls: { held(selector?: string): number }, count: number, none: string, selector?: string): Promise<void> {
  await until(() => calls.held(selector) >= count, 20_000, none);
}

/** The selector of the pool's message `label`, from the metadata the page uses. */
function selectorOf(keel: Keel, label: string): string {
  const metadata = keel.pool.metadata as { spec: { messages: { label: string; selector: string }[] } };
  return metadata.spec.messages.find((m) => m.label === label)?.selector ?? assert.fail(`the pool has no message ${label}`);
}

/** What the test reads of the node's messages. */
interface Answer {
  id?: unknown;
  result?: { operationId?: string };
  params?: { result?: { event?: string; operationId?: string } };
}

/** `trader` (a dev account the app lists as `label`) holds at least 7 BASE, approved or not. */
export async function clickBeforeTheQuoteOrLimitPlansNothing(browser: Browser, web: string, keel: Keel, trader: KeyringPair, label: string): Promise<void> {
  const context = await browser.newContext({ viewport: { width: 1000, height: 820 } });
  try {
    const page = await context.newPage();
    const calls = await holdCalls(page);
    await openAs(page, web, label);
    await page.getByTestId("swap-mode").selectOption("in");
    const before = await holdings(keel, trader.address);
    const quoteCall = selectorOf(keel, "quote_exact_in");
    await settled(page);
    // given: the pool's quote for the typed amount held back on its way (the requote's calls,
    // the quote and the market, and every call after them, held until released)
    calls.capture();
    await page.getByTestId("swap-amount").fill("7");
    await heldAtLeast(calls, 1, "the typed amount asked the node for no quote", quoteCall);
    assert.equal(await text(page, "swap-receive"), "–", "no quote on screen yet");
    // when: the trader clicks before it shows (the click asks the pool for the quote itself,
    // having found none on screen: a new block's refresh stops at its market call, held)
    await page.getByTestId("swap-submit").click();
    await heldAtLeast(calls, 2, "the click asked the node for no quote", quoteCall);
    calls.release();
    // then: nothing is planned or signed, and the quote shows for the trader to check
    await expectStatus(page, "swap-status", "not on screen yet", 20_000);
    assert.match(await text(page, "swap-status"), /Nothing was signed/);
    await waitForChange(page, "swap-receive", "–");
    assert.deepEqual(await holdings(keel, trader.address), before, "the early click moved the trader's tokens");
    // and a click on the quote shown goes through
    await page.getByTestId("swap-submit").click();
    await expectStatus(page, "swap-status", "Swapped in block", 60_000);
    assert.equal(before.base - (await holdings(keel, trader.address)).base, 7n * 10n ** 18n, "the checked swap sold 7 BASE");

    // given: the quote and its limit at 0.5% on screen, and the refresh a new tolerance starts
    // held back at its first call (the market's: the requote waits on it), as is any other
    // refresh until the click is judged
    const afterSwap = await holdings(keel, trader.address);
    await settled(page);
    const limitBefore = await text(page, "swap-limit");
    assert.notEqual(limitBefore, "–", "the limit shows once the swap's refresh is done");
    calls.capture();
    await page.getByTestId("tolerance").fill("9");
    await heldAtLeast(calls, 1, "the new tolerance asked the node for no requote");
    assert.equal(await text(page, "swap-limit"), limitBefore, "the limit at 0.5% is still the one on screen");
    // when: the trader clicks before the limit at 9% shows
    await page.getByTestId("swap-submit").click();
    // then: nothing is planned or signed at a limit the trader has not seen (the click's judgement
    // reads no runtime call before it refuses)
    await expectStatus(page, "swap-status", "limit at this slippage tolerance was not on screen", 20_000);
    calls.release();
    assert.match(await text(page, "swap-status"), /Nothing was signed/);
    await waitForChange(page, "swap-limit", limitBefore);
    assert.deepEqual(await holdings(keel, trader.address), afterSwap, "the early click moved the trader's tokens");
  } finally {
    await context.close();
  }
}
