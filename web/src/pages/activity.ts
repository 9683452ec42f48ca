// Activity: the chosen account's swaps, deposits and withdrawals from the pool's events, newest
// first, each linked to its block on the explorer.

import type { Ctx, Page } from "../context";
import { formatAmount } from "../lib/amount";
import { activityOf, blockLink, type PoolEvent } from "../lib/history";
import { h } from "../ui";

export function activityPage(ctx: Ctx): Page {
  const { keel } = ctx;
  const dec = keel.decimals;
  const sym = keel.symbols;
  const body = h("div");

  /** One line for `e`, in the account's words. */
  function describe(e: PoolEvent): string {
    switch (e.kind) {
      case "swap": {
        const [tin, tout] = e.tokenIn === keel.deployment.contracts.base ? (["base", "quote"] as const) : (["quote", "base"] as const);
        return `Swapped ${formatAmount(e.amountIn, dec[tin])} ${sym[tin]} for ${formatAmount(e.amountOut, dec[tout])} ${sym[tout]}`
          + ` (fee ${formatAmount(e.fee, dec[tin])} ${sym[tin]})`;
      }
      case "added":
        return `Added ${formatAmount(e.base, dec.base)} ${sym.base} + ${formatAmount(e.quote, dec.quote)} ${sym.quote} for ${formatAmount(e.shares, dec.shares)} shares`;
      case "removed":
        return `Removed ${formatAmount(e.shares, dec.shares)} shares for ${formatAmount(e.base, dec.base)} ${sym.base} + ${formatAmount(e.quote, dec.quote)} ${sym.quote}`;
      case "rebalanced":
        return `Rebalance ${e.epoch}`;
    }
  }

  async function refresh(): Promise<void> {
    const account = ctx.account();
    await ctx.log.catchUp();
    if (!account) {
      body.replaceChildren(h("p", { class: "muted" }, "Choose an account to see its activity."));
      return;
    }
    // A refresh for another account may have started meanwhile: only the chosen one's is shown.
    if (ctx.account()?.address !== account.address) return;
    const mine = activityOf(ctx.log.events, account.address);
    const behind = ctx.log.behind;
    const missing = ctx.log.missingBefore;
    body.replaceChildren(
      ...(behind > 0 ? [h("p", { class: "muted", "data-testid": "activity-behind" }, `${behind} blocks still to read…`)] : []),
      ...(missing !== null ? [h("p", { class: "muted" }, `This node no longer holds the pool's events before block ${missing}; an archive node does.`)] : []),
      mine.length === 0
        ? h("p", { class: "muted", "data-testid": "activity-empty" }, "No swaps, deposits or withdrawals by this account since the pool was deployed.")
        : h("ol", { class: "events", reversed: true, "data-testid": "activity-list" }, ...mine.map((e) =>
          h("li", { "data-testid": "activity-item", "data-kind": e.kind },
            h("a", { href: blockLink(keel.deployment.node_url, e.block), target: "_blank", rel: "noopener" }, `block ${e.block}`),
            `: ${describe(e)}`))),
    );
  }

  const el = h("section", { class: "card", "data-testid": "page-activity" }, h("h2", {}, "Your activity"), body);
  return { el, refresh };
}
