// Liquidity: add both tokens in the pool's ratio, remove shares for a pro-rata part of the
// reserves; the provider's balances, shares and pool share; approvals handled in the flow.

import { send } from "../chain";
import type { Ctx, Page } from "../context";
import { AmountError, formatAmount, parseAmount } from "../lib/amount";
import { errorText } from "../lib/errors";
import { LimitError, deadline, minOut } from "../lib/slippage";
import { holdings, reserves } from "../pool";
import { h, row, say } from "../ui";
import { approveIfNeeded, describeSent } from "./tx";

export function liquidityPage(ctx: Ctx): Page {
  const { keel } = ctx;
  const d = keel.deployment.decimals;
  const sym = keel.symbols;
  const baseIn = h("input", { "data-testid": "add-base", inputmode: "decimal", placeholder: `${sym.base} amount` });
  const quoteIn = h("span", { "data-testid": "add-quote" }, "–");
  const sharesIn = h("input", { "data-testid": "remove-shares", inputmode: "decimal", placeholder: "shares" });
  const add = h("button", { "data-testid": "add-submit" }, "Add liquidity");
  const remove = h("button", { "data-testid": "remove-submit" }, "Remove");
  const all = h("button", { class: "link", "data-testid": "remove-all" }, "all");
  const mine = h("span", { "data-testid": "liq-holdings" });
  const share = h("span", { "data-testid": "liq-share" });
  const status = h("p", { class: "status", role: "status", "data-testid": "liq-status" });
  let pair: [bigint, bigint] = [0n, 0n];
  let total = 0n;
  let held = 0n;

  /** The quote a deposit of `base` needs at the pool's ratio, rounded up as the pool takes it. */
  const quoteFor = (base: bigint) => (pair[0] === 0n ? 0n : (base * pair[1] + pair[0] - 1n) / pair[0]);

  function preview(): bigint | undefined {
    try {
      const base = parseAmount(baseIn.value, d);
      quoteIn.textContent = `${formatAmount(quoteFor(base), d)} ${sym.quote}`;
      return base;
    } catch (e) {
      quoteIn.textContent = "–";
      if (e instanceof AmountError && baseIn.value.trim() !== "") say(status, e.message, "error");
      return undefined;
    }
  }

  async function run(action: () => Promise<void>, button: HTMLButtonElement): Promise<void> {
    if (!ctx.account()) return say(status, "Choose an account first.", "error");
    button.disabled = true;
    try {
      await action();
    } catch (e) {
      const known = e instanceof AmountError || e instanceof LimitError;
      say(status, known ? e.message : `Something went wrong: ${errorText(e)}`, "error");
    } finally {
      button.disabled = false;
      await refresh();
    }
  }

  async function addLiquidity(): Promise<void> {
    const account = ctx.account()!;
    const base = parseAmount(baseIn.value, d);
    const quote = quoteFor(base);
    const h0 = await holdings(keel, account.address);
    if (h0.base < base || h0.quote < quote) {
      return say(status, `Insufficient balance: this needs ${formatAmount(base, d)} ${sym.base} and ${formatAmount(quote, d)} ${sym.quote}.`, "error");
    }
    const expected = pair[0] === 0n ? 0n : (base * total) / pair[0];
    const minShares = minOut(expected, ctx.settings.toleranceBps);
    const who = await account.signing();
    for (const [token, amount] of [[keel.base, base], [keel.quote, quote]] as const) {
      const failed = await approveIfNeeded(keel, token, who, amount, (t) => say(status, t, "busy"));
      if (failed) return say(status, failed, "error");
    }
    say(status, "Adding liquidity…", "busy");
    const due = deadline(Date.now(), ctx.settings.deadlineMinutes);
    const sent = await send(keel.pool, who, "addLiquidity", base, quote, minShares, account.address, due);
    say(status, describeSent(sent, "Added"), "block" in sent ? "ok" : "error");
  }

  async function removeLiquidity(): Promise<void> {
    const account = ctx.account()!;
    const shares = parseAmount(sharesIn.value, d);
    if (shares > held) return say(status, `You hold ${formatAmount(held, d)} shares.`, "error");
    const out = (r: bigint) => (total === 0n ? 0n : minOut((r * shares) / total, ctx.settings.toleranceBps));
    say(status, "Removing liquidity…", "busy");
    const due = deadline(Date.now(), ctx.settings.deadlineMinutes);
    const who = await account.signing();
    const sent = await send(keel.pool, who, "removeLiquidity", shares, out(pair[0]), out(pair[1]), account.address, due);
    say(status, describeSent(sent, "Removed"), "block" in sent ? "ok" : "error");
  }

  async function refresh(): Promise<void> {
    pair = await reserves(keel);
    const account = ctx.account();
    if (!account) {
      mine.textContent = "no account chosen";
      return;
    }
    const hs = await holdings(keel, account.address);
    total = hs.totalShares;
    held = hs.shares;
    mine.textContent = `${formatAmount(hs.base, d)} ${sym.base} · ${formatAmount(hs.quote, d)} ${sym.quote} · ${formatAmount(hs.shares, d)} shares`;
    share.textContent = total === 0n ? "–" : `${(Number((hs.shares * 1_000_000n) / total) / 10_000).toFixed(4)}%`;
    preview();
  }

  baseIn.addEventListener("input", () => void preview());
  all.addEventListener("click", () => (sharesIn.value = formatAmount(held, d, d).replace(/,/g, "")));
  add.addEventListener("click", () => void run(addLiquidity, add));
  remove.addEventListener("click", () => void run(removeLiquidity, remove));

  const el = h("section", { class: "card", "data-testid": "page-liquidity" },
    h("h2", {}, "Liquidity"),
    row("You hold", mine),
    row("Your pool share", share),
    h("h3", {}, "Add"),
    h("div", { class: "controls" }, baseIn),
    row(`${sym.quote} needed at the pool's ratio`, quoteIn),
    add,
    h("h3", {}, "Remove"),
    h("div", { class: "controls" }, sharesIn, all),
    remove,
    status);
  return { el, refresh };
}
