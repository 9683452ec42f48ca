// Liquidity: add both tokens in the pool's ratio, remove shares for a pro-rata part of the
// reserves; the provider's balances, shares, pool share and position (pages/position.ts);
// approvals handled in the flow. A click freezes a plan (lib/liquidity.ts) and disables the form
// until the flow ends.

import { deadlineBaseMs } from "../chain";
import { ANOTHER_UNDER_WAY } from "../lib/inflight";
import type { Ctx, Page } from "../context";
import type { Account } from "../accounts";
import { AmountError, formatAmount, formatAmountUp, parseAmount, plainAmount } from "../lib/amount";
import { errorText } from "../lib/errors";
import { describeSent, withApprovalsLeft } from "../lib/outcome";
import { LiquidityError, STILL_READING, planAdd, planRemove, quoteFor, sharesOf, type Held, type PoolShape } from "../lib/liquidity";
import { LimitError } from "../lib/slippage";
import { holdings, poolShape } from "../pool";
import { h, row, say } from "../ui";
import { positionRows } from "./position";
import { approveIfNeeded, checkAtClick, refusedBeforeApproval, sendHeld } from "./tx";

export function liquidityPage(ctx: Ctx): Page {
  const { keel } = ctx;
  const dec = keel.decimals;
  const sym = keel.symbols;
  const baseIn = h("input", { "data-testid": "add-base", inputmode: "decimal", placeholder: `${sym.base} amount`, "aria-label": `${sym.base} to add` });
  const quoteIn = h("span", { "data-testid": "add-quote" }, "–");
  const sharesIn = h("input", { "data-testid": "remove-shares", inputmode: "decimal", placeholder: "shares", "aria-label": "shares to remove" });
  const add = h("button", { "data-testid": "add-submit" }, "Add liquidity");
  const remove = h("button", { "data-testid": "remove-submit" }, "Remove");
  const all = h("button", { class: "link", "data-testid": "remove-all" }, "all");
  const mine = h("span", { "data-testid": "liq-holdings" });
  const share = h("span", { "data-testid": "liq-share" });
  const status = h("p", { class: "status", role: "status", "data-testid": "liq-status" });
  const position = h("div", { "data-testid": "liq-position" });
  /** The pool as last read (undefined before the first read); a click plans against it. */
  let shape: PoolShape | undefined;
  /** The shares of the account last read (a withdrawal plans only from the chosen account's). */
  let held: Held | undefined;
  /** Refreshes race (a new block, a click's end, an account switch): only the latest one shows. */
  let latest = 0;

  /** Redraws the quote the typed base amount needs; a typed amount that does not parse is said in
   * the status line when `typed` (a keystroke), never on a refresh (it would overwrite how the
   * last deposit or withdrawal ended). */
  function preview(typed: boolean): bigint | undefined {
    try {
      const base = parseAmount(baseIn.value, dec.base);
      quoteIn.textContent = shape === undefined ? "–" : `${formatAmountUp(quoteFor(base, shape), dec.quote)} ${sym.quote}`;
      return base;
    } catch (e) {
      quoteIn.textContent = "–";
      if (typed && e instanceof AmountError && baseIn.value.trim() !== "") say(status, e.message, "error");
      return undefined;
    }
  }

  /** The form's inputs, disabled while a deposit or withdrawal is under way. */
  const inputs = [baseIn, sharesIn, add, remove, all];

  /** Runs `action` for the account chosen at the click, with the form disabled until it ends. */
  async function run(action: (account: Account, sentBefore: string) => Promise<void>): Promise<void> {
    const account = ctx.account();
    if (!account) return say(status, "Choose an account first.", "error");
    inputs.forEach((el) => (el.disabled = true));
    try {
      const ran = await ctx.inFlight.exclusively(account.address, async () => {
        const checked = await checkAtClick(keel, ctx.inFlight, account.address);
        if ("refused" in checked) return say(status, checked.refused, "error");
        await action(account, checked.sentBefore);
      });
      if ("busy" in ran) say(status, ANOTHER_UNDER_WAY, "error");
    } catch (e) {
      const known = e instanceof AmountError || e instanceof LimitError || e instanceof LiquidityError;
      say(status, known ? e.message : `Something went wrong: ${errorText(e)}`, "error");
    } finally {
      inputs.forEach((el) => (el.disabled = false));
      // A failed read after the flow must not overwrite how it ended (nor go unhandled).
      await refresh().catch(() => undefined);
    }
  }

  const terms = () => ({ ...ctx.settings, nowMs: deadlineBaseMs() });

  /** The pool as last read, for a plan; refused before the first read ends. */
  function readShape(): PoolShape {
    if (shape === undefined) throw new LiquidityError(STILL_READING);
    return shape;
  }

  async function addLiquidity(account: Account, sentBefore: string): Promise<void> {
    // Planned before the first await; the rest of the flow reads only `p`.
    const p = planAdd(parseAmount(baseIn.value, dec.base), readShape(), terms());
    const h0 = await holdings(keel, account.address);
    if (h0.base < p.base || h0.quote < p.quote) {
      return say(status, `Insufficient balance: this needs ${formatAmountUp(p.base, dec.base)} ${sym.base} and ${formatAmountUp(p.quote, dec.quote)} ${sym.quote}.`, "error");
    }
    const who = await account.signing();
    const args = [p.base, p.quote, p.minShares, account.address, p.deadline] as const;
    const refused = await refusedBeforeApproval(keel, who, "addLiquidity", ...args);
    if (refused) return say(status, refused, "error");
    const left: string[] = [];
    for (const [side, amount] of [["base", p.base], ["quote", p.quote]] as const) {
      const approval = await approveIfNeeded(keel, keel[side], who, amount, (t) => say(status, t, "busy"));
      if ("failed" in approval) return say(status, withApprovalsLeft(approval.failed, left), "error");
      if (approval.sent) left.push(`${formatAmountUp(amount, dec[side])} ${sym[side]}`);
    }
    say(status, "Adding liquidity…", "busy");
    const sent = await sendHeld(keel, who, { inFlight: ctx.inFlight, account: account.address, deadline: p.deadline, sent: sentBefore }, () => undefined, "addLiquidity", ...args);
    if ("block" in sent) return say(status, describeSent(sent, "Added"), "ok");
    say(status, withApprovalsLeft(describeSent(sent, "Added"), left), "error");
  }

  async function removeLiquidity(account: Account, sentBefore: string): Promise<void> {
    const p = planRemove(parseAmount(sharesIn.value, dec.shares), sharesOf(held, account.address), readShape(), terms());
    say(status, "Removing liquidity…", "busy");
    const who = await account.signing();
    const sent = await sendHeld(keel, who, { inFlight: ctx.inFlight, account: account.address, deadline: p.deadline, sent: sentBefore }, () => undefined, "removeLiquidity", p.shares, p.minBase, p.minQuote, account.address, p.deadline);
    say(status, describeSent(sent, "Removed"), "block" in sent ? "ok" : "error");
  }

  async function refresh(): Promise<void> {
    const turn = ++latest;
    const read = await poolShape(keel);
    if (turn !== latest) return;
    // The shape a click plans from and the quote it needs on screen change together.
    shape = read;
    preview(false);
    const account = ctx.account();
    if (held !== undefined && held.account !== account?.address) {
      // Shares typed (or filled in by "all") for the account chosen before: not this one's.
      held = undefined;
      sharesIn.value = "";
    }
    if (!account) {
      mine.textContent = "no account chosen";
      position.replaceChildren();
      return;
    }
    const hs = await holdings(keel, account.address);
    // Another account chosen meanwhile: its own refresh shows its holdings, and "all" fills in its shares.
    if (turn !== latest || ctx.account()?.address !== account.address) return;
    held = { account: account.address, shares: hs.shares };
    const total = read.totalShares;
    mine.textContent = `${formatAmount(hs.base, dec.base)} ${sym.base} · ${formatAmount(hs.quote, dec.quote)} ${sym.quote} · ${formatAmount(hs.shares, dec.shares)} shares`;
    share.textContent = total === 0n ? "–" : `${(Number((hs.shares * 1_000_000n) / total) / 10_000).toFixed(4)}%`;
    const rows = await positionRows(ctx, account.address);
    // A refresh for another account may have started meanwhile: only the chosen one's is shown.
    if (turn === latest && ctx.account()?.address === account.address) position.replaceChildren(...rows);
  }

  baseIn.addEventListener("input", () => void preview(true));
  all.addEventListener("click", () => {
    const account = ctx.account()?.address;
    sharesIn.value = account !== undefined && held?.account === account ? plainAmount(held.shares, dec.shares) : "";
  });
  add.addEventListener("click", () => void run(addLiquidity));
  remove.addEventListener("click", () => void run(removeLiquidity));

  const el = h("section", { class: "card", "data-testid": "page-liquidity" },
    h("h2", {}, "Liquidity"),
    row("You hold", mine),
    row("Your pool share", share),
    position,
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
