// Swap: direction, exact in or out, a live quote with fee and price impact against the oracle,
// the least received or most paid at the trader's slippage tolerance, and the pool's refusal in
// words, all before anything is signed. Impact warns from 1% and asks for a typed confirmation
// above 10% (lib/impact.ts). Approval of the token is part of the flow. A click freezes a plan
// (lib/swap.ts) and disables the form until the flow ends.

import { deadlineBaseMs } from "../chain";
import { ANOTHER_UNDER_WAY } from "../lib/inflight";
import type { Account } from "../accounts";
import type { Ctx, Page } from "../context";
import { formatAmount, formatAmountUp, formatFee, parseAmount, AmountError } from "../lib/amount";
import { describePoolError, errorText } from "../lib/errors";
import { describeSent, withApprovalsLeft } from "../lib/outcome";
import { IMPACT_UNKNOWN, impactLevel, impactWarning, mayProceed, worstImpactBps, type ImpactLevel } from "../lib/impact";
import { maxIn, minOut, priceImpactBps, LimitError } from "../lib/slippage";
import { PlanError, answers, planSwap, swapCall, typedToken, type QuotedSwap, type SwapPlan, type SwapRequest } from "../lib/swap";
import type { Answer } from "../chain";
import { holdings, marketStatus, quoteSwap, type MarketStatus } from "../pool";
import { h, row, say } from "../ui";
import { approveIfNeeded, checkAtClick, refusedBeforeApproval, sendHeld } from "./tx";

/** Why a click is not planned when no quote for the form's inputs is on screen yet. */
export const QUOTE_NOT_SHOWN = "The quote for these inputs was not on screen yet: check it, then click Swap again. Nothing was signed.";
/** Why a click is not planned when the limit on screen is at another slippage tolerance than the settings'. */
export const LIMIT_NOT_SHOWN = "The limit at this slippage tolerance was not on screen yet: check it, then click Swap again. Nothing was signed.";

export function swapPage(ctx: Ctx): Page {
  const { keel } = ctx;
  const dec = keel.decimals;
  const sym = keel.symbols;
  const direction = h("select", { "data-testid": "swap-direction", "aria-label": "direction" },
    h("option", { value: "sell-base" }, `Sell ${sym.base} for ${sym.quote}`),
    h("option", { value: "sell-quote" }, `Sell ${sym.quote} for ${sym.base}`));
  const mode = h("select", { "data-testid": "swap-mode", "aria-label": "exact amount in or out" },
    h("option", { value: "in" }, "Exact amount in"),
    h("option", { value: "out" }, "Exact amount out"));
  const amount = h("input", { "data-testid": "swap-amount", inputmode: "decimal", placeholder: "0.0", "aria-label": "amount" });
  const pay = h("span"), receive = h("span"), fee = h("span"), impact = h("span"), poolFee = h("span"), limit = h("span");
  const limitLabel = h("span", { class: "label" }, "Minimum received");
  const warning = h("p", { class: "status", role: "status", "data-testid": "swap-impact-warning" });
  const confirmWord = h("input", { "data-testid": "swap-confirm", autocomplete: "off", "aria-label": "type confirm to accept the price impact" });
  const confirmBox = h("label", { class: "confirm", hidden: true }, "Type confirm: ", confirmWord);
  const balances = h("span", { "data-testid": "swap-balances" });
  const quoteStatus = h("p", { class: "status", role: "status", "data-testid": "swap-quote-status" });
  const status = h("p", { class: "status", role: "status", "data-testid": "swap-status" });
  const button = h("button", { "data-testid": "swap-submit" }, "Swap");
  /** The quote on screen, kept with the request (direction, mode, amount) it answers. */
  let quoted: QuotedSwap | undefined;
  /** The slippage tolerance the limit on screen was worked out at (bps; NaN for one refused, whose
   * refusal is on screen instead). */
  let limitToleranceBps: number | undefined;
  /** A swap is under way: the form is disabled until it ends. */
  let busy = false;
  /** What the typed confirmation accepted: the form and settings when "confirm" was typed, and
   * the worst-fill impact shown then; a quote past that impact clears it. */
  let confirmedFor = "";
  let confirmedBps = 0;
  /** The worst-fill impact last shown (bps). */
  let shownBps = 0;
  function forgetConfirmation(): void {
    confirmWord.value = "";
    confirmedFor = "";
    confirmedBps = 0;
  }
  /** The form and the settings that decide a swap's impact level, as one comparable string. */
  const terms = () => JSON.stringify([direction.value, mode.value, amount.value.trim(), ctx.settings.toleranceBps, ctx.settings.expert]);

  /**
   * The level the worst fill `q` allows at `terms`' tolerance reaches against `market`, with its
   * warning shown on the page; "blocked" when the oracle's price cannot be read.
   */
  function assess(q: QuotedSwap, market: Answer<MarketStatus>, terms: { toleranceBps: number; expert: boolean }): ImpactLevel {
    let level: ImpactLevel = "blocked";
    let text: string | null = IMPACT_UNKNOWN;
    if ("ok" in market) {
      let bps: number;
      try {
        bps = worstImpactBps(q.request, q.amountIn, q.amountOut, terms.toleranceBps, market.ok.price);
      } catch (e) {
        if (!(e instanceof LimitError)) throw e;
        // The tolerance is refused when the swap is planned; until then the quote alone is judged.
        bps = priceImpactBps(q.request.sellBase, q.amountIn, q.amountOut, market.ok.price);
      }
      level = impactLevel(bps, terms.expert);
      text = impactWarning(level, bps);
      shownBps = bps;
      if (bps > confirmedBps) forgetConfirmation();
    }
    say(warning, text ?? "", level === "low" || level === "notice" ? "info" : "error");
    warning.dataset.level = level;
    confirmBox.hidden = level !== "confirm";
    // While a swap is under way the whole form stays disabled, whatever the level.
    if (!busy) button.disabled = level === "blocked";
    return level;
  }

  /** The least received (exact in) or the most paid (exact out) at the trader's tolerance. */
  function showLimit(q: QuotedSwap): void {
    const [tin, tout] = sides(q.request.sellBase);
    limitToleranceBps = ctx.settings.toleranceBps;
    try {
      limitLabel.textContent = q.request.exactOut ? "Maximum paid" : "Minimum received";
      limit.textContent = q.request.exactOut
        ? `${formatAmountUp(maxIn(q.amountIn, ctx.settings.toleranceBps), dec[tin])} ${sym[tin]}`
        : `${formatAmount(minOut(q.amountOut, ctx.settings.toleranceBps), dec[tout])} ${sym[tout]}`;
    } catch (e) {
      if (!(e instanceof LimitError)) throw e;
      limit.textContent = e.message;
    }
  }

  /** The form as it stands: direction, mode and the typed amount in its token's units. */
  function request(): SwapRequest {
    const sellBase = direction.value === "sell-base";
    const exactOut = mode.value === "out";
    return { sellBase, exactOut, amount: parseAmount(amount.value, dec[typedToken(sellBase, exactOut)]) };
  }
  const sides = (sellBase: boolean) => (sellBase ? (["base", "quote"] as const) : (["quote", "base"] as const));

  // Quotes race: one asked for on a new block may answer after one asked for on a keystroke.
  // Only the latest request may set the quote.
  let latest = 0;

  /** Asks the pool to price `req`; the answer carries the request it is for. */
  async function ask(req: SwapRequest): Promise<Answer<QuotedSwap>> {
    const q = await quoteSwap(keel, req.sellBase, req.exactOut, req.amount);
    return "err" in q ? q : { ok: { request: req, amountIn: q.ok.amountIn, amountOut: q.ok.amountOut, fee: q.ok.fee } };
  }

  /** Takes the quote off the screen: nothing a click could plan from. */
  function clearQuote(): void {
    quoted = undefined;
    limitToleranceBps = undefined;
    [pay, receive, fee, impact, limit].forEach((e) => (e.textContent = "–"));
    say(warning, "");
    confirmBox.hidden = true;
    if (!busy) button.disabled = false;
  }

  /**
   * Re-prices the typed amount; `known` is a market status read this block, if any. On a new
   * block the inputs are the same, and the quote on screen stays (the one a click plans from)
   * until the new one replaces it; changed inputs take it off at once.
   */
  async function requote(known?: Answer<MarketStatus>): Promise<void> {
    const mine = ++latest;
    // A confirmation holds for the inputs it was typed for only; changed inputs forget it, even if
    // they change back.
    if (confirmedFor !== terms()) forgetConfirmation();
    let req: SwapRequest;
    try {
      if (amount.value.trim() === "") return (clearQuote(), say(quoteStatus, ""));
      req = request();
    } catch (e) {
      if (e instanceof AmountError) return (clearQuote(), say(quoteStatus, e.message, "error"));
      throw e;
    }
    if (!answers(quoted, req)) clearQuote();
    const [market, q] = await Promise.all([known ?? marketStatus(keel), ask(req)]);
    if (mine !== latest) return;
    if ("err" in q) return (clearQuote(), say(quoteStatus, describePoolError(q.err), "error"));
    const [tin, tout] = sides(req.sellBase);
    pay.textContent = `${formatAmount(q.ok.amountIn, dec[tin])} ${sym[tin]}`;
    receive.textContent = `${formatAmount(q.ok.amountOut, dec[tout])} ${sym[tout]}`;
    fee.textContent = `${formatAmount(q.ok.fee, dec[tin])} ${sym[tin]}`;
    if ("ok" in market) {
      impact.textContent = `${priceImpactBps(req.sellBase, q.ok.amountIn, q.ok.amountOut, market.ok.price).toFixed(2)} bps`;
    }
    quoted = q.ok;
    showLimit(q.ok);
    assess(q.ok, market, ctx.settings);
    say(quoteStatus, "");
  }

  /** The form's inputs, disabled while a swap is under way so what is shown is what is sent. */
  const inputs = [direction, mode, amount, confirmWord, button];

  /**
   * Plans the swap for `account` from the form and settings as they are when called (read before
   * any await); null, with a message, when the pool will not quote it or the trader has not
   * accepted its price impact.
   */
  async function plan(account: Account): Promise<SwapPlan | null> {
    const req = request();
    const { toleranceBps, deadlineMinutes, expert } = ctx.settings;
    const typed = confirmedFor === terms() ? confirmWord.value : "";
    // The plan is made from the quote on screen (the limit protects that price: a quote asked
    // for now would follow the market, and the trader has not seen it). With none for these
    // inputs yet (typed a moment ago), nothing is planned: the trader checks the quote first. Its
    // impact is judged against the oracle now, on the worst fill at the plan's tolerance.
    const q = quoted;
    if (!answers(q, req)) {
      const fresh = await ask(req);
      if ("err" in fresh) return (say(status, describePoolError(fresh.err), "error"), null);
      return (say(status, QUOTE_NOT_SHOWN, "error"), null);
    }
    // The limit signed is the one on screen: a tolerance typed a moment ago shows its limit once
    // the requote it started answers.
    if (!Object.is(limitToleranceBps, toleranceBps)) return (say(status, LIMIT_NOT_SHOWN, "error"), null);
    const level = assess(q, await marketStatus(keel), { toleranceBps, expert });
    // The word accepted an impact up to the one shown when it was typed, no further.
    if (!mayProceed(level, shownBps <= confirmedBps ? typed : "")) {
      const why = level === "blocked" ? "The swap is blocked: its price impact is above 15%, or unknown." : 'Type "confirm" to accept this price impact.';
      return (say(status, `${why} Nothing was signed.`, "error"), null);
    }
    const c = keel.deployment.contracts;
    return planSwap({ account: account.address, request: req, quoted: q, tokens: { base: c.base, quote: c.quote }, toleranceBps, deadlineMinutes, nowMs: deadlineBaseMs() });
  }

  async function submit(): Promise<void> {
    const account = ctx.account();
    if (!account) return say(status, "Choose an account first.", "error");
    // The last swap's outcome goes at once: what shows next is this click's.
    say(status, "Checking the swap…", "busy");
    inputs.forEach((el) => (el.disabled = true));
    busy = true;
    try {
      const ran = await ctx.inFlight.exclusively(account.address, () => swapAs(account));
      if ("busy" in ran) say(status, ANOTHER_UNDER_WAY, "error");
    } finally {
      busy = false;
      inputs.forEach((el) => (el.disabled = false));
      forgetConfirmation();
      // A failed read after the swap must not overwrite how the swap ended.
      await whileReading(refresh).catch(() => undefined);
    }
  }

  /** The swap the form (disabled since the click) describes, as `account`. */
  async function swapAs(account: Account): Promise<void> {
    const checked = await checkAtClick(keel, ctx.inFlight, account.address);
    if ("refused" in checked) return say(status, checked.refused, "error");
    const { sentBefore } = checked;
    try {
      // Everything after the plan reads only `p` and `account`.
      const p = await plan(account);
      if (!p) return;
      const tin = sides(p.sellBase)[0];
      const held = await holdings(keel, p.account);
      if (held[tin] < p.spend) {
        return say(status, `Insufficient balance: this needs ${formatAmountUp(p.spend, dec[tin])} ${sym[tin]}.`, "error");
      }
      const who = await account.signing();
      const call = swapCall(p);
      const refused = await refusedBeforeApproval(keel, who, call.message, ...call.args);
      if (refused) return say(status, refused, "error");
      const approval = await approveIfNeeded(keel, keel[tin], who, p.spend, (t) => say(status, t, "busy"));
      if ("failed" in approval) return say(status, approval.failed, "error");
      const step = (st: string) => say(status, `Sending the swap… (${st})`, "busy");
      const sent = await sendHeld(keel, who, { inFlight: ctx.inFlight, account: p.account, deadline: p.deadline, sent: sentBefore }, step, call.message, ...call.args);
      if ("block" in sent) return say(status, describeSent(sent, "Swapped"), "ok");
      const left = approval.sent ? [`${formatAmountUp(p.spend, dec[tin])} ${sym[tin]}`] : [];
      say(status, withApprovalsLeft(describeSent(sent, "Swapped"), left), "error");
    } catch (e) {
      if (e instanceof AmountError || e instanceof LimitError || e instanceof PlanError) return say(status, e.message, "error");
      throw e;
    }
  }

  /** Reads under way (refreshes, requotes): the card is `aria-busy` while any is, so assistive
   * technology (and a test) can wait for the quote and limit to settle. */
  let reading = 0;
  async function whileReading(work: () => Promise<void>): Promise<void> {
    reading += 1;
    el.setAttribute("aria-busy", "true");
    try {
      await work();
    } finally {
      reading -= 1;
      if (reading === 0) el.setAttribute("aria-busy", "false");
    }
  }

  // Refreshes race as quotes do: one started on a later block may answer first. A refresh writes
  // the pool's fee and the balances unless a later one has already written them (one that has not
  // may yet fail, and the earlier one's reads are then the newest there are); its requote then
  // follows the quotes' own rule.
  let refreshes = 0;
  let shownRefresh = 0;

  async function refresh(): Promise<void> {
    const mine = ++refreshes;
    const account = ctx.account();
    const market = await marketStatus(keel);
    if (mine < shownRefresh) return;
    shownRefresh = mine;
    poolFee.textContent = "ok" in market ? formatFee(market.ok.fee, market.ok.guardFee) : describePoolError(market.err);
    if (account) {
      const held = await holdings(keel, account.address);
      // A later refresh wrote meanwhile, or another account was chosen: that refresh shows the balances.
      if (mine < shownRefresh || ctx.account()?.address !== account.address) return;
      balances.textContent = `${formatAmount(held.base, dec.base)} ${sym.base} · ${formatAmount(held.quote, dec.quote)} ${sym.quote}`;
    } else {
      balances.textContent = "no account chosen";
    }
    await requote(market);
  }

  for (const input of [direction, mode]) input.addEventListener("change", () => void whileReading(requote));
  amount.addEventListener("input", () => void whileReading(requote));
  confirmWord.addEventListener("input", () => {
    confirmedFor = terms();
    confirmedBps = shownBps;
  });
  button.addEventListener("click", () =>
    submit().catch((e: unknown) => say(status, `Something went wrong: ${errorText(e)}`, "error")),
  );

  const el = h("section", { class: "card", "data-testid": "page-swap", "aria-busy": "false" },
    h("h2", {}, "Swap"),
    row("Your balances", balances),
    h("div", { class: "controls" }, direction, mode, amount),
    row("You pay", pay, "swap-pay"),
    row("You receive", receive, "swap-receive"),
    row("Fee", fee),
    row("Price impact vs oracle", impact, "swap-impact"),
    h("div", { class: "row" }, limitLabel, h("span", { "data-testid": "swap-limit" }, limit)),
    row("Pool fee now", poolFee, "swap-pool-fee"),
    quoteStatus,
    warning,
    confirmBox,
    button,
    status);
  return { el, refresh: () => whileReading(refresh) };
}

