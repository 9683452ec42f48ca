// Swap: direction, exact in or out, a live quote with fee and price impact against the oracle,
// and the trader's slippage and deadline limits; approval of the token is part of the flow.

import { sendWatched } from "../chain";
import type { Ctx, Page } from "../context";
import { formatAmount, formatBps, parseAmount, AmountError } from "../lib/amount";
import { describePoolError, errorText } from "../lib/errors";
import { deadline, maxIn, minOut, priceImpactBps, LimitError } from "../lib/slippage";
import type { Answer } from "../chain";
import { holdings, marketStatus, quoteSwap, type MarketStatus, type Quote } from "../pool";
import { h, row, say } from "../ui";
import { approveIfNeeded, describeSent } from "./tx";

export function swapPage(ctx: Ctx): Page {
  const { keel } = ctx;
  const d = keel.deployment.decimals;
  const sym = keel.symbols;
  const direction = h("select", { "data-testid": "swap-direction" },
    h("option", { value: "sell-base" }, `Sell ${sym.base} for ${sym.quote}`),
    h("option", { value: "sell-quote" }, `Sell ${sym.quote} for ${sym.base}`));
  const mode = h("select", { "data-testid": "swap-mode" },
    h("option", { value: "in" }, "Exact amount in"),
    h("option", { value: "out" }, "Exact amount out"));
  const amount = h("input", { "data-testid": "swap-amount", inputmode: "decimal", placeholder: "0.0" });
  const pay = h("span"), receive = h("span"), fee = h("span"), impact = h("span"), poolFee = h("span");
  const balances = h("span", { "data-testid": "swap-balances" });
  const quoteStatus = h("p", { class: "status", role: "status", "data-testid": "swap-quote-status" });
  const status = h("p", { class: "status", role: "status", "data-testid": "swap-status" });
  const button = h("button", { "data-testid": "swap-submit" }, "Swap");
  let quote: Quote | undefined;

  const sellBase = () => direction.value === "sell-base";
  const exactOut = () => mode.value === "out";
  const tokens = () => (sellBase() ? [sym.base, sym.quote] : [sym.quote, sym.base]);

  // Quotes race: one asked for on a new block may answer after one asked for on a keystroke.
  // Only the latest request may set the quote.
  let latest = 0;

  /** Re-prices the typed amount; `known` is a market status read this block, if any. */
  async function requote(known?: Answer<MarketStatus>): Promise<void> {
    const mine = ++latest;
    quote = undefined;
    [pay, receive, fee, impact].forEach((e) => (e.textContent = "–"));
    if (amount.value.trim() === "") return say(quoteStatus, "");
    let units: bigint;
    try {
      units = parseAmount(amount.value, d);
    } catch (e) {
      if (e instanceof AmountError) return say(quoteStatus, e.message, "error");
      throw e;
    }
    const [market, q] = await Promise.all([known ?? marketStatus(keel), quoteSwap(keel, sellBase(), exactOut(), units)]);
    if (mine !== latest) return;
    if ("err" in q) return say(quoteStatus, describePoolError(q.err), "error");
    quote = q.ok;
    const [tin, tout] = tokens();
    pay.textContent = `${formatAmount(q.ok.amountIn, d)} ${tin}`;
    receive.textContent = `${formatAmount(q.ok.amountOut, d)} ${tout}`;
    fee.textContent = `${formatAmount(q.ok.fee, d)} ${tin}`;
    if ("ok" in market) {
      impact.textContent = `${priceImpactBps(sellBase(), q.ok.amountIn, q.ok.amountOut, market.ok.price).toFixed(2)} bps`;
    }
    say(quoteStatus, "");
  }

  async function submit(): Promise<void> {
    const account = ctx.account();
    if (!account) return say(status, "Choose an account first.", "error");
    if (!quote) await requote();
    // Held for the whole flow: a new block re-quotes (and resets `quote`) while this one signs.
    const q = quote;
    if (!q) return;
    const c = keel.deployment.contracts;
    const tokenIn = sellBase() ? c.base : c.quote;
    let limit: bigint, due: bigint;
    try {
      limit = exactOut() ? maxIn(q.amountIn, ctx.settings.toleranceBps) : minOut(q.amountOut, ctx.settings.toleranceBps);
      due = deadline(Date.now(), ctx.settings.deadlineMinutes);
    } catch (e) {
      if (e instanceof LimitError) return say(status, e.message, "error");
      throw e;
    }
    const spend = exactOut() ? limit : q.amountIn;
    const held = await holdings(keel, account.address);
    if ((sellBase() ? held.base : held.quote) < spend) {
      return say(status, `Insufficient balance: this needs ${formatAmount(spend, d)} ${tokens()[0]}.`, "error");
    }
    button.disabled = true;
    try {
      const who = await account.signing();
      const token = sellBase() ? keel.base : keel.quote;
      const approved = await approveIfNeeded(keel, token, who, spend, (t) => say(status, t, "busy"));
      if (approved) return say(status, approved, "error");
      const amountArg = exactOut() ? q.amountOut : q.amountIn;
      const message = exactOut() ? "swapExactOut" : "swapExactIn";
      const step = (st: string) => say(status, `Sending the swap… (${st})`, "busy");
      const sent = await sendWatched(keel.pool, who, step, message, tokenIn, amountArg, limit, account.address, due);
      const text = describeSent(sent, "Swapped");
      say(status, text, "block" in sent ? "ok" : "error");
      await refresh();
    } finally {
      button.disabled = false;
    }
  }

  async function refresh(): Promise<void> {
    const account = ctx.account();
    const market = await marketStatus(keel);
    poolFee.textContent = "ok" in market ? formatBps(market.ok.fee) : describePoolError(market.err);
    if (account) {
      const held = await holdings(keel, account.address);
      balances.textContent = `${formatAmount(held.base, d)} ${sym.base} · ${formatAmount(held.quote, d)} ${sym.quote}`;
    } else {
      balances.textContent = "no account chosen";
    }
    await requote(market);
  }

  for (const el of [direction, mode]) el.addEventListener("change", () => void requote());
  amount.addEventListener("input", () => void requote());
  button.addEventListener("click", () =>
    submit().catch((e: unknown) => say(status, `Something went wrong: ${errorText(e)}`, "error")),
  );

  const el = h("section", { class: "card", "data-testid": "page-swap" },
    h("h2", {}, "Swap"),
    row("Your balances", balances),
    h("div", { class: "controls" }, direction, mode, amount),
    row("You pay", pay, "swap-pay"),
    row("You receive", receive, "swap-receive"),
    row("Fee", fee),
    row("Price impact vs oracle", impact, "swap-impact"),
    row("Pool fee now", poolFee, "swap-pool-fee"),
    quoteStatus,
    button,
    status);
  return { el, refresh };
}

