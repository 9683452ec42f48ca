// "Your position" on the liquidity page: the account's shares valued at the oracle price, against
// holding what it deposited, the fees its shares earned (lib/history.ts, from the pool's events),
// and its part of the LPs' exposure (the Greeks from Keel's core, times its share of the pool).

import type { Ctx } from "../context";
import { formatAmount, formatSigned } from "../lib/amount";
import { describePoolError } from "../lib/errors";
import { positionOf } from "../lib/history";
import { coreViews, holdings, marketStatus, reserves } from "../pool";
import { h, row } from "../ui";

/** Why the event history cannot value a position yet, or null when it can. */
function incomplete(ctx: Ctx): string | null {
  const log = ctx.log;
  if (log.missingBefore !== null) return `unknown: this node no longer holds the pool's events before block ${log.missingBefore} (an archive node does)`;
  if (log.undecoded > 0) return `unknown: ${log.undecoded} of the pool's events could not be read`;
  if (log.behind > 0 || log.sharesBefore === null) return `reading the pool's history… (${log.behind} blocks to go)`;
  return null;
}

/** The rows of `account`'s position, read after the pool's events have caught up. */
export async function positionRows(ctx: Ctx, account: string): Promise<HTMLElement[]> {
  const { keel } = ctx;
  const { base: b, quote: q } = keel.symbols;
  const dec = keel.decimals;
  await ctx.log.catchUp();
  const [market, views, hs, pair] = await Promise.all([marketStatus(keel), coreViews(keel), holdings(keel, account), reserves(keel)]);
  if ("err" in market) return [row("Your position", `not valued: ${describePoolError(market.err)}`, "pos-value")];
  const p = positionOf(ctx.log.events, account, {
    reserves: pair, totalShares: hs.totalShares, shares: hs.shares, price: market.ok.price, base: keel.deployment.contracts.base,
  }, ctx.log.sharesBefore ?? 0n);
  // the history and the holdings are read one after the other: a deposit that landed between the
  // two is in the shares but not yet in the events, and the next refresh reads both again
  const unknown = incomplete(ctx) ?? (p.sharesFromEvents === hs.shares
    ? null
    : "unknown: the pool's history read so far does not give your shares (reading on; shares moved by transfer are not followed)");
  const rows = [
    row("Value at the oracle price",
      `${formatAmount(p.value, dec.quote)} ${q} (${formatAmount(p.claim.base, dec.base)} ${b} + ${formatAmount(p.claim.quote, dec.quote)} ${q})`, "pos-value"),
    row("Against holding your deposits", unknown ?? `${formatSigned(p.vsHold, dec.quote)} ${q}`, "pos-vs-hold"),
    row("Fees your shares earned", unknown ?? `${formatAmount(p.fees, dec.quote)} ${q}`, "pos-fees"),
  ];
  const greeks = views && hs.totalShares > 0n ? keel.core.greeks(views) : null;
  if (greeks && "ok" in greeks && hs.shares > 0n) {
    const part = (v: bigint) => (v * hs.shares) / hs.totalShares;
    const g = greeks.ok;
    rows.push(row("Your exposure",
      `delta ${formatAmount(part(g.delta), dec.base)} ${b}; on a 1% move sells ${formatAmount(-part(g.gammaUp), dec.base)} / buys ${formatAmount(part(g.gammaDown), dec.base)} ${b}`
      + (g.vega === null ? "" : `; vega ${formatSigned(part(g.vega), dec.quote)} ${q}`), "pos-exposure"));
  }
  return [h("h3", {}, "Your position"), ...rows,
    h("p", { class: "muted why" }, "Fees (before the rebalance bounties paid from the pool) and the comparison come from the pool's events since its deployment; shares moved by a token transfer are not counted.")];
}
