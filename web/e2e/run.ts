// The wallet dApp end to end: headless Chromium (Debian's, driven by playwright-core) against a
// contracts node that scripts/e2e-web.sh started and deployed Keel to. Each step checks the
// screen and, through its own connection with the app's typed reads, the chain (polkadot.js only
// builds the payload the injected wallet signs).
//
// Env: KEEL_WEB_URL (the served app), KEEL_NODE_URL, KEEL_DEPLOYMENT (the record), KEEL_SHOTS
// (a directory for screenshots), KEEL_STOP_NODE (a shell command that stops the node).

import { execSync } from "node:child_process";
import { readFileSync } from "node:fs";
import assert from "node:assert/strict";
import { ApiPromise, WsProvider } from "@polkadot/api";
import { Keyring } from "@polkadot/keyring";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import { chromium, type Page } from "playwright-core";
import { send } from "../src/chain";
import { formatAmount } from "../src/lib/amount";
import { allowance, coreViews, head, holdings, poolEventsIn } from "../src/pool";
import { E18, chainView, expectStatus, impactBuying, settled, sizeAbove, soldSince, text, until, waitForChange, widenBand } from "./helpers";
import { clickBeforeTheQuoteOrLimitPlansNothing } from "./quote";
import { pendingSwapHoldsTheAccount, stallAnswers, unreportedSwapHoldsTheAccount } from "./unreported";

const env = (name: string) => process.env[name] ?? assert.fail(`${name} is not set`);
const WEB = env("KEEL_WEB_URL");
const NODE = env("KEEL_NODE_URL");
const SHOTS = env("KEEL_SHOTS");
const deployment = JSON.parse(readFileSync(env("KEEL_DEPLOYMENT"), "utf8"));

const step = (text: string) => console.log(`==> ${text}`);
/** The page's console errors and warnings, printed if the run fails. */
const consoleLines: string[] = [];
/** The main page, for the banners printed if the run fails. */
let mainPage: Page | undefined;

async function main(): Promise<void> {
  await cryptoWaitReady();
  const keel = await chainView(NODE, deployment);
  const bob = new Keyring({ type: "sr25519" }).addFromUri("//Bob");
  const alice = new Keyring({ type: "sr25519" }).addFromUri("//Alice");
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  const page = await browser.newPage({ viewport: { width: 1000, height: 820 } });
  mainPage = page;
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") consoleLines.push(`${m.type()}: ${m.text()}`);
  });

  // New-head notifications can be held back, as if the page had not heard of a block yet; and the
  // page's transactions, as if the node were slow to take them (a step that only lasts while a
  // transaction goes out then stays on screen until the test lets it go).
  let holdHeads = false;
  let holdSubmits = false;
  const heldSubmits: (() => void)[] = [];
  const releaseSubmits = () => {
    holdSubmits = false;
    heldSubmits.splice(0).forEach((send) => send());
  };
  await page.routeWebSocket(/127\.0\.0\.1/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((m) => {
      if (holdSubmits && typeof m === "string" && m.includes('"author_submitAndWatchExtrinsic"')) return void heldSubmits.push(() => server.send(m));
      server.send(m);
    });
    server.onMessage((m) => {
      if (holdHeads && typeof m === "string" && m.includes('"chain_newHead"')) return;
      ws.send(m);
    });
  });

  step("a swap lands and the balances on screen change");
  await page.goto(`${WEB}/#/swap`);
  await page.getByTestId("page-swap").waitFor();
  await page.getByTestId("account").selectOption({ label: "Bob (dev)" });
  const shown = await waitForChange(page, "swap-balances", "");
  const before = await holdings(keel, bob.address);
  await page.getByTestId("swap-amount").fill("100");
  await waitForChange(page, "swap-receive", "–");
  await page.getByTestId("swap-submit").click();
  await expectStatus(page, "swap-status", "Swapped in block", 30_000);
  const after = await holdings(keel, bob.address);
  assert.equal(before.base - after.base, 100n * E18, "Bob sold exactly 100 BASE");
  assert.ok(after.quote > before.quote, "Bob received QUOTE");
  const shownAfter = await waitForChange(page, "swap-balances", shown);
  assert.ok(shownAfter.startsWith(`${formatAmount(after.base, 18)} BASE · ${formatAmount(after.quote, 18)} QUOTE`), `balances on screen: ${shownAfter}`);
  await page.screenshot({ path: `${SHOTS}/swap.png` });

  step("a swap with no slippage tolerance, after the price moved, shows the error and moves nothing");
  await page.getByTestId("tolerance").fill("0");
  await page.getByTestId("swap-amount").fill("200");
  await waitForChange(page, "swap-receive", await text(page, "swap-receive"));
  // The quote on screen is the one at the price before Alice's trade (no read under way that could
  // requote after it), and the page hears of no block after it.
  await settled(page);
  holdHeads = true;
  // Alice (the deployer, who owns the tokens) mints herself base and sells it to the pool.
  for (const [contract, message, args] of [
    [keel.base, "mintTo", [alice.address, 5_000n * E18]],
    [keel.base, "psp22Approve", [keel.pool, 5_000n * E18]],
  ] as const) {
    const done = await send(contract, { pair: alice }, message, ...args);
    assert.ok("block" in done, `${message}: ${JSON.stringify(done)}`);
  }
  const moved = await send(keel.pool, { pair: alice }, "swapExactIn", deployment.contracts.base, 5_000n * E18, 0n, alice.address, BigInt(Date.now() + 600_000));
  assert.ok("block" in moved, `Alice's trade: ${JSON.stringify(moved)}`);
  const untouched = await holdings(keel, bob.address);
  await page.getByTestId("swap-submit").click();
  await expectStatus(page, "swap-status", "slippage tolerance", 20_000);
  assert.deepEqual(await holdings(keel, bob.address), untouched, "a refused swap changed Bob's balances");
  await page.screenshot({ path: `${SHOTS}/swap-refused.png` });
  holdHeads = false;
  await page.getByTestId("tolerance").fill("0.5");

  step("add liquidity, then remove it all");
  await page.goto(`${WEB}/#/liquidity`);
  await page.getByTestId("page-liquidity").waitFor();
  const held = await waitForChange(page, "liq-holdings", "");
  assert.match(held, / 0 shares$/, `before adding: ${held}`);
  await page.getByTestId("add-base").fill("50");
  await waitForChange(page, "add-quote", "–");
  await page.getByTestId("add-submit").click();
  await expectStatus(page, "liq-status", "Added in block", 60_000);
  const shares = (await holdings(keel, bob.address)).shares;
  assert.ok(shares > 0n, "Bob holds pool shares");
  const withShares = await waitForChange(page, "liq-holdings", held);
  assert.doesNotMatch(withShares, / 0 shares$/);
  assert.notEqual(await text(page, "liq-share"), "0.0000%");
  // Bob's position: worth what he put in, at the oracle price, until the pool trades.
  await page.getByTestId("pos-vs-hold").filter({ hasText: / QUOTE$/ }).waitFor({ timeout: 30_000 });
  const level = Number((await text(page, "pos-vs-hold")).replace(/[^\d.-]/g, ""));
  assert.ok(level <= 0 && level > -0.001, `just deposited: level with holding, less rounding (${level})`);
  assert.equal(await text(page, "pos-fees"), "0 QUOTE");
  assert.match(await text(page, "pos-exposure"), /^delta [\d,.]+ BASE; on a 1% move sells [\d,.]+ \/ buys [\d,.]+ BASE; vega [+-]?[\d,.]+ QUOTE$/);
  // A trade by Alice pays a fee, part of which is Bob's.
  const seen = await text(page, "pos-fees");
  const sale = 1_000n * E18;
  for (const [contract, message, args] of [
    [keel.base, "mintTo", [alice.address, sale]],
    [keel.base, "psp22Approve", [keel.pool, sale]],
  ] as const) {
    const done = await send(contract, { pair: alice }, message, ...args);
    assert.ok("block" in done, `${message}: ${JSON.stringify(done)}`);
  }
  const bobs = await holdings(keel, bob.address);
  const sold = await send(keel.pool, { pair: alice }, "swapExactIn", deployment.contracts.base, sale, 0n, alice.address, BigInt(Date.now() + 600_000));
  assert.ok("block" in sold, `Alice's sale: ${JSON.stringify(sold)}`);
  await page.waitForFunction((before) => {
    const t = document.querySelector('[data-testid="pos-fees"]')?.textContent ?? "";
    return t !== before && / QUOTE$/.test(t);
  }, seen, { timeout: 30_000 });
  const fees = Number((await text(page, "pos-fees")).replace(/[^\d.]/g, ""));
  // The fee Alice paid, as the pool's event records it: the fee grows with the reading's age, so
  // a quote read a block or more before the sale lands can be below it.
  const now = await head(keel);
  const sales = (await poolEventsIn(keel, now - 20, now)).events.filter((e) => e.kind === "swap" && e.amountIn === sale);
  const paid = sales.at(-1);
  assert.ok(paid?.kind === "swap", "Alice's sale is among the pool's events");
  // Bob's part of the fee, in QUOTE at the oracle price of 10.
  const expected = Number((paid.fee * 10n * bobs.shares) / bobs.totalShares) / 1e18;
  // The page shows four decimals, truncated.
  assert.ok(expected > 0 && Math.abs(fees - expected) <= 1e-4 + expected * 1e-3, `fees earned: shown ${fees}, expected ${expected}`);
  await page.screenshot({ path: `${SHOTS}/liquidity.png` });
  await page.getByTestId("remove-all").click();
  await page.getByTestId("remove-submit").click();
  await expectStatus(page, "liq-status", "Removed in block", 30_000);
  assert.equal((await holdings(keel, bob.address)).shares, 0n, "every share was burned");

  step("Bob's activity lists his withdrawal, deposit and swaps, newest first, each linked to its block");
  await page.goto(`${WEB}/#/activity`);
  await page.getByTestId("activity-list").waitFor({ timeout: 30_000 });
  const kinds = await page.getByTestId("activity-item").evaluateAll((items) => items.map((i) => i.getAttribute("data-kind")));
  assert.deepEqual(kinds.slice(0, 2), ["removed", "added"], `newest first: ${kinds.join(", ")}`);
  assert.ok(kinds.includes("swap"), "his swap is listed");
  assert.match(await page.getByTestId("activity-item").first().locator("a").getAttribute("href") ?? "", /explorer\/query\/\d+$/);
  assert.match(await page.getByTestId("activity-item").first().textContent() ?? "", /Removed [\d,.]+ shares for [\d,.]+ BASE \+ [\d,.]+ QUOTE/);
  await page.screenshot({ path: `${SHOTS}/activity.png` });

  step("a first-time trader: too large a swap is stopped for the balance, a paused pool's refusal costs no approval, then the approval and the swap go through");
  const charlie = new Keyring({ type: "sr25519" }).addFromUri("//Charlie");
  const minted = await send(keel.base, { pair: alice }, "mintTo", charlie.address, 1_000n * E18);
  assert.ok("block" in minted, `mint for Charlie: ${JSON.stringify(minted)}`);
  assert.equal(await allowance(keel, keel.base, charlie.address), 0n, "Charlie starts with no approval");
  await page.goto(`${WEB}/#/swap`);
  await page.getByTestId("page-swap").waitFor();
  await page.getByTestId("account").selectOption({ label: "Charlie (dev)" });
  await page.getByTestId("swap-amount").fill("5000");
  await waitForChange(page, "swap-receive", "–");
  await page.getByTestId("swap-submit").click();
  await expectStatus(page, "swap-status", "Insufficient balance", 10_000);
  await page.getByTestId("swap-amount").fill("10");
  await waitForChange(page, "swap-receive", await text(page, "swap-receive"));
  // A paused pool refuses the swap before the approval is asked for: nothing is signed.
  const paused = await send(keel.pool, { pair: alice }, "setPaused", true);
  assert.ok("block" in paused, `pause: ${JSON.stringify(paused)}`);
  await page.getByTestId("swap-submit").click();
  await expectStatus(page, "swap-status", "The pool is paused", 30_000);
  assert.equal(await allowance(keel, keel.base, charlie.address), 0n, "no approval for a swap the pool refuses");
  const resumed = await send(keel.pool, { pair: alice }, "setPaused", false);
  assert.ok("block" in resumed, `resume: ${JSON.stringify(resumed)}`);
  await page.getByTestId("swap-submit").click();
  await expectStatus(page, "swap-status", "Swapped in block", 60_000);
  // He started with no approval, so the swap landing means the app approved the pool first.
  assert.equal((await holdings(keel, charlie.address)).base, 990n * E18, "Charlie sold 10 BASE");

  step("switching the mode while the approval is under way: the swap sent is the one planned at the click");
  const dave = new Keyring({ type: "sr25519" }).addFromUri("//Dave");
  const forDave = await send(keel.base, { pair: alice }, "mintTo", dave.address, 1_000n * E18);
  assert.ok("block" in forDave, `mint for Dave: ${JSON.stringify(forDave)}`);
  await page.getByTestId("account").selectOption({ label: "Dave (dev)" });
  await page.getByTestId("swap-mode").selectOption("in");
  await page.getByTestId("swap-amount").fill("10");
  // The same inputs as Charlie's last swap: their quote stays on screen, requoted on each block.
  await waitForChange(page, "swap-receive", "–");
  const daveBefore = await holdings(keel, dave.address);
  // The approval held on its way to the node, so the flow is certainly in it when the mode changes.
  holdSubmits = true;
  await page.getByTestId("swap-submit").click();
  await expectStatus(page, "swap-status", "Approving", 20_000);
  // The form is frozen; forced anyway, as a script or a stale event would.
  assert.ok(await page.getByTestId("swap-mode").isDisabled(), "the mode cannot be changed mid-flow");
  await page.getByTestId("swap-mode").evaluate((el: HTMLSelectElement) => {
    el.value = "out";
    el.dispatchEvent(new Event("change"));
  });
  // The approval goes out (and is held there) with the mode already changed.
  await until(() => heldSubmits.length > 0, 20_000, "the approval never went out");
  assert.equal(heldSubmits.length, 1, "the approval, and only it, was held on its way to the node");
  releaseSubmits();
  await expectStatus(page, "swap-status", "Swapped in block", 60_000);
  const daveAfter = await holdings(keel, dave.address);
  assert.equal(daveBefore.base - daveAfter.base, 10n * E18, "Dave sold exactly the 10 BASE planned at the click");
  await page.getByTestId("swap-mode").selectOption("in");

  step("a swap whose outcome the node never reports: after a reload, and in another tab, Dave's next swap is refused until its deadline, or once when the chain shows it landed");
  await unreportedSwapHoldsTheAccount(browser, WEB, keel, dave, "Dave (dev)");
  step("a swap whose outcome the page still awaits: in another tab, and after a reload mid-wait, Dave's next swap is refused; then free");
  await pendingSwapHoldsTheAccount(browser, WEB, keel, dave, "Dave (dev)");
  step("a click before the quote for the typed amount, or the limit at a new tolerance, is on screen plans nothing; a click on the quote shown swaps");
  await clickBeforeTheQuoteOrLimitPlansNothing(browser, WEB, keel, dave, "Dave (dev)");

  step("pool health shows reserves, q, the oracle and the keeper's rebalance");
  await page.goto(`${WEB}/#/health`);
  // The first render samples up to 120 blocks' history, each through the test's socket route.
  await page.getByTestId("q-gauge").waitFor({ timeout: 60_000 });
  assert.match(await text(page, "health-price"), /^10 QUOTE\/BASE$/);
  assert.match(await text(page, "feed-median"), /^10 QUOTE\/BASE from 3 readings$/);
  assert.match(await text(page, "health-band"), /^due at \|q\| 5\.00%, back to 1\.00% \(fixed\)$/);
  assert.equal(await page.getByTestId("health-band").getAttribute("data-source"), "core", "the band drawn is the core's");
  assert.match(await text(page, "health-venues"), /^2: the keeper splits each rebalance across them$/);
  // The LPs' Greeks: the page's are the core's on the test's own reads of the chain.
  const views = (await coreViews(keel)) ?? assert.fail("the pool prices its market");
  const greeks = keel.core.greeks(views);
  assert.ok("ok" in greeks, `the core reads the live pool's Greeks: ${"refused" in greeks ? greeks.refused : ""}`);
  assert.ok(greeks.ok.delta > 0n && greeks.ok.gammaUp < 0n && greeks.ok.gammaDown > 0n, "a pool with both tokens sells rises, buys falls");
  // Independently of the core: the pool is long base here, and delta is the base it holds once
  // arbitrage at the oracle price has traded it, so between its base target and what it holds.
  const [poolBase] = (await keel.pool.query.reserves({ caller: alice.address })).data;
  const targets = (await keel.pool.query.targets({ caller: alice.address })).data;
  assert.ok(targets.isOk, "the pool reads its targets");
  const baseTarget = targets.value[0];
  assert.ok(poolBase > baseTarget && greeks.ok.delta >= baseTarget && greeks.ok.delta <= poolBase,
    `delta ${greeks.ok.delta} between the base target ${baseTarget} and the base held ${poolBase}`);
  assert.ok((await text(page, "health-delta")).startsWith(`${formatAmount(greeks.ok.delta, 18)} BASE (`), await text(page, "health-delta"));
  assert.equal(await text(page, "health-gamma"),
    `sells ${formatAmount(-greeks.ok.gammaUp, 18)} BASE on a rise, buys ${formatAmount(greeks.ok.gammaDown, 18)} BASE on a fall`);
  assert.match(await text(page, "health-vega"), /^[+-]?[\d,]+(\.\d+)? QUOTE$/);
  assert.equal(await page.getByText("what the fee pays LPs for").count(), 1, "each Greek carries its explanation");
  assert.equal(await page.getByTestId("feed-reading").count(), 3, "each reporter's reading is shown");
  // The charts over the last blocks: drawn by uPlot with their legends, from many blocks' states.
  for (const [chart, legend] of [["chart-q", "rebalance"], ["chart-price", "reporter 3"], ["chart-fee", "k"], ["chart-age", "age (s)"]]) {
    const el = page.getByTestId(chart);
    await el.locator("canvas").waitFor({ timeout: 30_000 });
    assert.ok(Number(await el.getAttribute("data-points")) >= 10, `${chart} is drawn from at least 10 blocks`);
    assert.ok((await el.locator(".u-legend").textContent())?.includes(legend), `${chart}'s legend names ${legend}`);
  }
  // The q chart's band is the one the pool checked at each block, read in that block's state:
  // at every block whose market the pool priced.
  const bandRead = Number(await page.getByTestId("chart-q").getAttribute("data-band-read"));
  const priced = Number(await page.getByTestId("chart-q").getAttribute("data-priced"));
  assert.ok(priced >= 1 && bandRead === priced, `the band was read at ${bandRead} of the ${priced} priced blocks of the q chart`);
  assert.match(await text(page, "rebalance-list"), /epoch 1, q 5\.\d\d% → 1\.00%/);
  await page.screenshot({ path: `${SHOTS}/health.png`, fullPage: true });

  step("a wallet extension: the app connects, lists its account, and signs through it; a declined signature sends nothing");
  const eve = new Keyring({ type: "sr25519" }).addFromUri("//Eve");
  const forEve = await send(keel.base, { pair: alice }, "mintTo", eve.address, 100n * E18);
  assert.ok("block" in forEve, `mint for Eve: ${JSON.stringify(forEve)}`);
  // A context of its own, shared by the wallet's tabs (their storage and locks).
  const walletTabs = await browser.newContext({ viewport: { width: 1000, height: 820 } });
  const wallet = await walletTabs.newPage();
  wallet.on("pageerror", (e) => errors.push(e.message));
  // The extension's signer, as the polkadot.js extension signs: the payload the page hands over,
  // signed by Eve's key in this process. `decline` makes the next request fail as a person's
  // "Cancel" does.
  let decline = false;
  // While set, the wallet answers the next signature request only once it settles, as a person
  // who has not yet clicked "Sign".
  let awaitPerson: Promise<void> | undefined;
  // polkadot.js's registry builds the payload as the extension does; the app itself runs on dedot.
  const signing = await ApiPromise.create({ provider: new WsProvider(NODE), noInitWarn: true });
  const signed: string[] = [];
  const asked: string[] = [];
  // A second extension holding the same account (as a person with Eve's key in two wallets),
  // listed first: the app must ask the wallet whose entry was chosen, never this one.
  const otherWalletAsked: string[] = [];
  const injectWallet = async (tab: Page) => {
    await tab.exposeFunction("keelOtherWalletSign", (payload: { method: string }) => {
      otherWalletAsked.push(payload.method);
      throw new Error("Rejected by user");
    });
    await tab.exposeFunction("keelWalletSign", async (payload: { version: number; method: string }) => {
      asked.push(payload.method);
      if (decline) {
        decline = false;
        throw new Error("Cancelled");
      }
      await awaitPerson;
      const extrinsic = signing.registry.createType("ExtrinsicPayload", payload, { version: payload.version });
      signed.push(payload.method);
      return { id: signed.length, signature: extrinsic.sign(eve).signature };
    });
    await tab.addInitScript((address: string) => {
      const w = window as unknown as Record<string, unknown>;
      const sign = w.keelWalletSign as (p: unknown) => Promise<unknown>;
      const otherSign = w.keelOtherWalletSign as (p: unknown) => Promise<unknown>;
      const accounts = [{ address, name: "Eve's wallet", type: "sr25519" }];
      w.injectedWeb3 = {
        "subwallet-js": {
          version: "1.3.0",
          enable: async () => ({
            accounts: { get: async () => accounts, subscribe: (cb: (a: unknown) => void) => (cb(accounts), () => undefined) },
            signer: { signPayload: (payload: unknown) => otherSign(payload) },
          }),
        },
        "polkadot-js": {
          version: "0.58.10",
          enable: async () => ({
            accounts: { get: async () => accounts, subscribe: (cb: (a: unknown) => void) => (cb(accounts), () => undefined) },
            signer: { signPayload: (payload: unknown) => sign(payload) },
          }),
        },
      };
    }, eve.address);
  };
  const openWallet = async (tab: Page) => {
    await tab.goto(`${WEB}/#/swap`);
    await tab.getByTestId("page-swap").waitFor();
    assert.equal(await tab.getByTestId("no-extension").count(), 0, "the extension is found");
    await tab.getByTestId("account").selectOption({ label: "Eve's wallet (polkadot-js)" });
    await tab.getByTestId("swap-amount").fill("10");
    await waitForChange(tab, "swap-receive", "–");
  };
  await injectWallet(wallet);
  await openWallet(wallet);
  const eveBefore = await holdings(keel, eve.address);
  decline = true;
  await wallet.getByTestId("swap-submit").click();
  await expectStatus(wallet, "swap-status", "You declined to sign in your wallet: nothing was sent.", 30_000);
  assert.deepEqual(await holdings(keel, eve.address), eveBefore, "a declined signature moved nothing");
  assert.equal(await allowance(keel, keel.base, eve.address), 0n, "nor approved anything");
  await wallet.screenshot({ path: `${SHOTS}/wallet-declined.png` });
  await wallet.getByTestId("swap-submit").click();
  await expectStatus(wallet, "swap-status", "Swapped in block", 60_000);
  assert.equal(eveBefore.base - (await holdings(keel, eve.address)).base, 10n * E18, "Eve sold 10 BASE through her wallet");
  assert.equal(signed.length, 2, "the wallet signed the approval and the swap");

  step("a signature the wallet still asks for: Eve's swap in another tab is refused, and asks for no signature");
  let personSigns!: () => void;
  awaitPerson = new Promise<void>((r) => (personSigns = r));
  const eveMid = await holdings(keel, eve.address);
  await wallet.getByTestId("swap-submit").click();
  // The allowance was spent: the first request is the approval's.
  await expectStatus(wallet, "swap-status", "Approving", 20_000);
  const tab = await walletTabs.newPage();
  await injectWallet(tab);
  await openWallet(tab);
  const askedBefore = asked.length;
  await tab.getByTestId("swap-submit").click();
  await expectStatus(tab, "swap-status", "under way in this app", 10_000);
  assert.equal(asked.length, askedBefore, "the second tab asked the wallet for nothing");
  personSigns();
  awaitPerson = undefined;
  await expectStatus(wallet, "swap-status", "Swapped in block", 60_000);
  assert.equal(eveMid.base - (await holdings(keel, eve.address)).base, 10n * E18, "Eve sold 10 BASE once");
  // Once the first tab's swap has ended, the second tab's goes through.
  await tab.getByTestId("swap-submit").click();
  await expectStatus(tab, "swap-status", "Swapped in block", 60_000);
  assert.equal(eveMid.base - (await holdings(keel, eve.address)).base, 20n * E18, "and 10 more from the second tab");
  await walletTabs.close();
  assert.deepEqual(otherWalletAsked, [], "the other wallet holding Eve's account was never asked to sign");

  step("without Web Locks (an insecure origin): a swap another tab sent and saw land since this one's check is withheld, not sent");
  const bare = await browser.newContext({ viewport: { width: 1000, height: 820 } });
  await bare.addInitScript(() => Object.defineProperty(Navigator.prototype, "locks", { get: () => undefined }));
  const allowed = await send(keel.base, { pair: eve }, "psp22Approve", keel.pool, 100n * E18);
  assert.ok("block" in allowed, `Eve's allowance: ${JSON.stringify(allowed)}`);
  const [tabA, tabB] = [await bare.newPage(), await bare.newPage()];
  const stalledB = await stallAnswers(tabB);
  for (const t of [tabA, tabB]) {
    await injectWallet(t);
    await openWallet(t);
  }
  const eveBare = await holdings(keel, eve.address);
  // Tab B checks at its click and then waits on the node; tab A sends meanwhile, and is told
  // its swap landed (its wait is over) before B goes on.
  stalledB.stall();
  await tabB.getByTestId("swap-submit").click();
  await tabA.getByTestId("swap-submit").click();
  await expectStatus(tabA, "swap-status", "Swapped in block", 60_000);
  await soldSince(keel, eve.address, eveBare, "tab A's swap");
  stalledB.release();
  await expectStatus(tabB, "swap-status", "went to the node after this one was checked", 30_000);
  assert.match(await text(tabB, "swap-status"), /discarded, not sent/);
  await new Promise((r) => setTimeout(r, 3_000));
  assert.equal(eveBare.base - (await holdings(keel, eve.address)).base, 10n * E18, "Eve sold 10 BASE once");
  await bare.close();
  await signing.disconnect();

  step("price impact: a notice at 1%, a typed confirmation above 10%, blocked above 15% unless in expert mode");
  await page.goto(`${WEB}/#/swap`);
  await page.getByTestId("page-swap").waitFor();
  await page.getByTestId("account").selectOption({ label: "Bob (dev)" });
  await page.getByTestId("swap-direction").selectOption("sell-quote");
  const notice = await sizeAbove(keel, 100);
  await page.getByTestId("swap-amount").fill(String(notice));
  await page.getByTestId("swap-impact-warning").filter({ hasText: "Price impact up to 1." }).waitFor({ timeout: 20_000 });
  assert.match(await text(page, "swap-limit"), /^[\d,]+(\.\d+)? BASE$/, "the least received is shown before signing");
  assert.equal(await page.getByTestId("swap-confirm").isVisible(), false, "no confirmation below 10%");
  // The owner widens the pool's price band to 50% and its inventory bound to 90%, as a pool for a
  // wilder pair might be configured: trades with an impact past 15% become possible.
  await widenBand(keel, alice);
  const confirmSize = await sizeAbove(keel, 1_000);
  assert.ok((await impactBuying(keel, confirmSize)) <= 1_500, "a size between 10% and 15% impact exists");
  const bobBefore = await holdings(keel, bob.address);
  await page.getByTestId("swap-amount").fill(String(confirmSize));
  await page.getByTestId("swap-impact-warning").filter({ hasText: 'Type "confirm"' }).waitFor({ timeout: 20_000 });
  await page.getByTestId("swap-submit").click();
  await expectStatus(page, "swap-status", "Nothing was signed", 20_000);
  assert.deepEqual(await holdings(keel, bob.address), bobBefore, "an unconfirmed swap moved nothing");
  await page.screenshot({ path: `${SHOTS}/swap-confirm.png` });
  // A confirmation holds for the amount it was typed for: another amount clears it.
  await page.getByTestId("swap-confirm").fill("confirm");
  await page.getByTestId("swap-amount").fill(String(confirmSize + 1n));
  await page.waitForFunction(() => (document.querySelector('[data-testid="swap-confirm"]') as HTMLInputElement).value === "", undefined, { timeout: 10_000 });
  await page.getByTestId("swap-amount").fill(String(confirmSize));
  await page.getByTestId("swap-impact-warning").filter({ hasText: 'Type "confirm"' }).waitFor({ timeout: 20_000 });
  // The word set by a script, not typed for these inputs, accepts nothing.
  await page.getByTestId("swap-confirm").evaluate((el: HTMLInputElement) => (el.value = "confirm"));
  await page.getByTestId("swap-submit").click();
  await expectStatus(page, "swap-status", "Nothing was signed", 20_000);
  assert.deepEqual(await holdings(keel, bob.address), bobBefore, "a confirmation not typed moved nothing");
  await page.getByTestId("swap-confirm").fill("confirm");
  await page.getByTestId("swap-submit").click();
  await expectStatus(page, "swap-status", "Swapped in block", 60_000);
  assert.equal(bobBefore.quote - (await holdings(keel, bob.address)).quote, confirmSize * E18, "the confirmed swap paid what was typed");
  const blockedSize = await sizeAbove(keel, 1_500);
  await page.getByTestId("swap-amount").fill(String(blockedSize));
  await page.getByTestId("swap-impact-warning").filter({ hasText: "blocked" }).waitFor({ timeout: 20_000 });
  assert.ok(await page.getByTestId("swap-submit").isDisabled(), "a swap above 15% impact cannot be sent");
  await page.screenshot({ path: `${SHOTS}/swap-blocked.png` });
  await page.getByTestId("expert").check();
  await page.getByTestId("swap-impact-warning").filter({ hasText: 'Type "confirm"' }).waitFor({ timeout: 20_000 });
  assert.ok(await page.getByTestId("swap-submit").isEnabled(), "expert mode asks instead of blocking");
  await page.getByTestId("expert").uncheck();
  await page.getByTestId("swap-amount").fill("");
  await page.getByTestId("swap-direction").selectOption("sell-base");

  step("at phone width every page fits and every field is labelled; the swap form works from the keyboard");
  await page.setViewportSize({ width: 390, height: 844 });
  for (const name of ["swap", "liquidity", "activity", "health"]) {
    await page.goto(`${WEB}/#/${name}`);
    await page.getByTestId(`page-${name}`).waitFor();
    await page.waitForTimeout(500);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `${name} overflows a 390 px screen by ${overflow} px`);
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll("input, select")]
      .filter((el) => (el as HTMLInputElement).labels?.length === 0 && !el.getAttribute("aria-label"))
      .map((el) => el.getAttribute("data-testid")));
    assert.deepEqual(unlabelled, [], `${name}: fields without a label`);
    await page.screenshot({ path: `${SHOTS}/${name}-phone.png`, fullPage: true });
  }
  await page.goto(`${WEB}/#/swap`);
  await page.getByTestId("swap-amount").focus();
  await page.keyboard.type("3");
  await waitForChange(page, "swap-receive", "–");
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-testid")), "swap-submit", "Tab moves from the amount to the swap button");
  await page.setViewportSize({ width: 1000, height: 820 });

  // Each record is served to a page of its own; the page must say why and show no form.
  const refusedRecords: [string, object, string, string][] = [
    ["a deployment record from another chain: the page says it is the wrong network",
      { ...deployment, genesis_hash: `0x${"ab".repeat(32)}` }, "wrong-network", "Wrong network"],
    ["a deployment record whose pool address holds other code: the page refuses to start",
      { ...deployment, contracts: { ...deployment.contracts, pool: deployment.contracts.venue } }, "wrong-code", "does not match the contracts this app was built for"],
    ["a deployment record whose tokens are swapped: the pool does not trade them as recorded, the page refuses to start",
      { ...deployment, contracts: { ...deployment.contracts, base: deployment.contracts.quote, quote: deployment.contracts.base } }, "wrong-code", "The pool's base token is"],
    ["a deployment record whose node is plain ws:// on another host: the page refuses to connect",
      { ...deployment, node_url: "ws://192.0.2.1:9944" }, "unreachable", "plain ws://"],
  ];
  for (const [name, record, testid, wanted] of refusedRecords) {
    step(name);
    const refused = await browser.newPage();
    await refused.route("**/keel/deployment.json", (route) => route.fulfill({ json: record }));
    await refused.goto(`${WEB}/#/swap`);
    await expectStatus(refused, testid, wanted);
    assert.equal(await refused.getByTestId("page-swap").count(), 0, `no page is shown: ${name}`);
    await refused.close();
  }

  assert.equal(await page.getByTestId("read-failed").count(), 0, "every read of the pool succeeded");

  step("the node stops: the page says it cannot reach it");
  await keel.client.disconnect();
  execSync(env("KEEL_STOP_NODE"), { stdio: "inherit" });
  await page.getByTestId("unreachable").waitFor({ timeout: 30_000 });
  await page.reload();
  await expectStatus(page, "unreachable", "does not answer", 30_000);
  await page.screenshot({ path: `${SHOTS}/unreachable.png` });

  assert.deepEqual(errors, [], "uncaught errors in the page");
  await browser.close();
  console.log("e2e-web: all steps passed");
}

main().catch(async (e) => {
  console.error(e);
  const banners = await mainPage?.getByTestId("banners").textContent({ timeout: 2_000 }).catch(() => null);
  if (banners) console.error(`the page's banners: ${banners}`);
  await mainPage?.screenshot({ path: `${SHOTS}/failed.png` }).catch(() => undefined);
  console.error(`the page's console (errors and warnings):\n${consoleLines.slice(-30).join("\n")}`);
  process.exit(1);
});
