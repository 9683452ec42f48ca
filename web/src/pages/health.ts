// Pool health: reserves, inventory q on a gauge against its band, fee and k now, the LPs'
// exposure (the Greeks), the oracle's answer with each reporter's last reading and the realised
// volatility, charts over the last blocks (pages/charts.ts), and the last rebalances (from
// `Rebalanced` events). The band and the Greeks come from Keel's core (lib/core.ts): the band the
// pool checks, the Greeks the keeper reads.

import type { Ctx, Page } from "../context";
import { formatAmount, formatFee, formatSigned, fromFixed18 } from "../lib/amount";
import type { Greeks } from "../lib/core";
import { wholeTokenPrice } from "../lib/decimals";
import { describePoolError } from "../lib/errors";
import {
  bands, coreViews, feed, inventory, marketStatus, reserves, venues, type FeedReading, type Keel,
} from "../pool";
import type { PoolEvent } from "../lib/history";
import { HISTORY_BLOCKS, Samples } from "../samples";
import { ChartSet } from "./charts";
import { h, row } from "../ui";

type Rebalance = PoolEvent & { kind: "rebalanced" };

const SVG = "http://www.w3.org/2000/svg";

function svg(tag: string, attrs: Record<string, string | number>): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  return el;
}

const pct = (v: bigint) => `${(fromFixed18(v) * 100).toFixed(2)}%`;

/** q on a bar from -q_max to +q_max, with the trigger band marked: the band's edges labelled above
 * the bar, the bounds and zero below. */
function gauge(q: number, trigger: number, qMax: number): SVGElement {
  const w = 320, x = (v: number) => ((Math.max(-qMax, Math.min(qMax, v)) + qMax) / (2 * qMax)) * w;
  const g = svg("svg", { width: w, height: 64, viewBox: `0 0 ${w} 64`, "data-testid": "q-gauge", role: "img" });
  const pctLabel = (v: number) => `${v > 0 ? "+" : ""}${(v * 100).toFixed(v === 0 ? 0 : 1)}%`;
  const label = (v: number, y: number, anchor: string) => {
    const t = svg("text", { x: Math.min(w - 1, Math.max(1, x(v))), y, "font-size": 10, "text-anchor": anchor, fill: "#5b6573" });
    t.textContent = pctLabel(v);
    g.append(t);
  };
  label(-trigger, 10, "end");
  label(trigger, 10, "start");
  label(-qMax, 60, "start");
  label(0, 60, "middle");
  label(qMax, 60, "end");
  g.append(svg("rect", { x: 0, y: 22, width: w, height: 12, fill: "#f3d9d9" }));
  g.append(svg("rect", { x: x(-trigger), y: 22, width: x(trigger) - x(-trigger), height: 12, fill: "#d5ecd9" }));
  g.append(svg("line", { x1: w / 2, x2: w / 2, y1: 18, y2: 38, stroke: "#888" }));
  g.append(svg("rect", { x: x(q) - 2, y: 14, width: 4, height: 28, fill: Math.abs(q) > trigger ? "#b3261e" : "#1b6e34" }));
  const title = svg("title", {});
  title.textContent = `q = ${(q * 100).toFixed(2)}%, band ±${(trigger * 100).toFixed(1)}%, bound ±${(qMax * 100).toFixed(0)}%`;
  g.append(title);
  return g;
}

const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`;
const vol = (v: bigint) => `${(fromFixed18(v) * 100).toFixed(1)}%/yr`;

/** Each reporter's last reading: price, volatility and how old it is at `nowMs`. */
function reporters(slots: FeedReading[], nowMs: number, quote: string, base: string, price: (v: bigint) => string): HTMLElement {
  return h("table", { class: "feed", "data-testid": "feed-readings" },
    h("tr", {}, h("th", {}, "Reporter"), h("th", {}, `Price ${quote}/${base}`), h("th", {}, "Volatility"), h("th", {}, "Age")),
    ...slots.map((s) => h("tr", { "data-testid": "feed-reading" },
      h("td", {}, short(s.reporter)),
      h("td", {}, s.reading ? price(s.reading.price) : "–"),
      h("td", {}, s.reading ? vol(s.reading.volatility) : "–"),
      h("td", {}, s.reading ? `${((nowMs - s.reading.timestamp) / 1000).toFixed(0)} s` : "–"))));
}

/** A row with a one-line explanation under it. */
function explained(label: string, value: string, testid: string, why: string): HTMLElement[] {
  return [row(label, value, testid), h("p", { class: "muted why" }, why)];
}

/** The LPs' Greeks (lib/core.ts) with what each means. */
function exposure(keel: Keel, g: Greeks): HTMLElement[] {
  const { base: b, quote: q } = keel.symbols;
  const dec = keel.decimals;
  return [
    ...explained("Delta", `${formatAmount(g.delta, dec.base)} ${b} (${formatSigned(g.deltaVsTarget, dec.base)} beyond the target)`,
      "health-delta",
      `The base the pool holds at the oracle price: the LPs' stake in its moves. Holding the deposit would carry only the target.`),
    ...explained("Gamma, 1% move",
      `sells ${formatAmount(-g.gammaUp, dec.base)} ${b} on a rise, buys ${formatAmount(g.gammaDown, dec.base)} ${b} on a fall`,
      "health-gamma",
      "How fast delta changes: the curve sells into rises and buys into falls, what the fee pays LPs for."),
    ...explained("Vega, +10 points volatility", g.vega === null ? "n/a (past the curve's bounds)" : `${formatSigned(g.vega, dec.quote)} ${q}`,
      "health-vega",
      "What the position gains after a 1% move if the oracle's volatility rose 10 points: a steeper curve, a wider fee."),
  ];
}

export function healthPage(ctx: Ctx): Page {
  const { keel } = ctx;
  const dec = keel.decimals;
  const sym = keel.symbols;
  /** A quote-per-base price in units (1e18) as whole tokens, for display. */
  const price = (v: bigint) => formatAmount(wholeTokenPrice(v, dec.base, dec.quote), 18);
  const body = h("div");
  const samples = new Samples(keel);
  const charts = new ChartSet();

  async function refresh(): Promise<void> {
    const [pair, q, market, b, f, listed, views] = await Promise.all([
      reserves(keel), inventory(keel), marketStatus(keel), bands(keel), feed(keel), venues(keel), coreViews(keel), ctx.log.catchUp(), samples.catchUp(),
    ]);
    // Without a market the pool checks no band: the configured one is drawn.
    const checked = views ? keel.core.band(views) : null;
    const fromCore = checked !== null && "ok" in checked;
    const band = fromCore
      ? { trigger: fromFixed18(checked.ok.trigger), target: fromFixed18(checked.ok.target) }
      : { trigger: fromFixed18(b.trigger), target: fromFixed18(b.target) };
    const greeks = views ? keel.core.greeks(views) : null;
    const events = ctx.log.events.filter((e): e is Rebalance => e.kind === "rebalanced");
    const behind = ctx.log.behind;
    const qv = "ok" in q ? fromFixed18(q.ok) : 0;
    const list = h("ol", { class: "events", "data-testid": "rebalance-list" }, ...events.slice(-5).reverse().map((e) =>
      h("li", {}, `block ${e.block}: epoch ${e.epoch}, q ${pct(e.qBefore)} → ${pct(e.qAfter)}, bounty ${formatAmount(e.bounty, dec.quote)} ${sym.quote}`)));
    body.replaceChildren(
      row("Reserves", `${formatAmount(pair[0], dec.base)} ${sym.base} · ${formatAmount(pair[1], dec.quote)} ${sym.quote}`, "health-reserves"),
      row("Inventory q", "ok" in q ? pct(q.ok) : describePoolError(q.err), "health-q"),
      gauge(qv, band.trigger, fromFixed18(b.qMax)),
      row("Rebalance band", `due at |q| ${(band.trigger * 100).toFixed(2)}%, back to ${(band.target * 100).toFixed(2)}%`
        + (b.costBps > 0 ? ` (adapts to volatility at a ${b.costBps} bps rebalance cost)` : " (fixed)"), "health-band", { "data-source": fromCore ? "core" : "configured" }),
      row("Venues", `${listed.length}${listed.length > 1 ? ": the keeper splits each rebalance across them" : ""}`, "health-venues"),
      ...("ok" in market
        ? [
            row("Oracle price", `${price(market.ok.price)} ${sym.quote}/${sym.base}`, "health-price"),
            row("Oracle volatility", `${(fromFixed18(market.ok.volatility) * 100).toFixed(1)}%/yr`),
            row("Oracle age", `${(market.ok.ageMs / 1000).toFixed(1)} s${market.ok.stale ? " (stale)" : ""}`, "health-age"),
            row("Pool reference", `${price(market.ok.reference)} ${sym.quote}/${sym.base}`
              + ` (${(fromFixed18(market.ok.drift) * 100).toFixed(2)}% from the oracle, from trades since its reading)`,
              "health-reference"),
            row("Fee now", formatFee(market.ok.fee, market.ok.guardFee), "health-fee"),
            row("k now", market.ok.k === market.ok.kTarget
              ? fromFixed18(market.ok.k).toFixed(3)
              : `${fromFixed18(market.ok.k).toFixed(3)}, ramping to ${fromFixed18(market.ok.kTarget).toFixed(3)}`),
          ]
        : [row("Market", describePoolError(market.err), "health-market-error")]),
      h("h3", {}, "LPs' exposure (Greeks)"),
      ...(greeks === null
        ? [row("Greeks", "unreadable while the pool cannot price its market", "health-greeks-error")]
        : "ok" in greeks
          ? exposure(keel, greeks.ok)
          : [row("Greeks", `unreadable: ${greeks.refused}`, "health-greeks-error")]),
      h("h3", {}, "Oracle feed"),
      ...(f.answer
        ? [
            row("Median price", `${price(f.answer.price)} ${sym.quote}/${sym.base} from ${f.answer.readings} readings`, "feed-median"),
            row("Reporters' volatility (median)", vol(f.answer.reportedVolatility)),
            row("Realised volatility", vol(f.answer.realizedVolatility), "feed-realized"),
          ]
        : [row("Median price", "no answer: no quorum of fresh readings since the feed began or its answer was withdrawn", "feed-median")]),
      reporters(f.readings, "ok" in market ? market.ok.timestamp + market.ok.ageMs : Date.now(), sym.quote, sym.base, price),
      h("h3", {}, `Over the last ${HISTORY_BLOCKS} blocks`),
      ...charts.draw(samples.items, new Map(events.map((e) => [e.block, fromFixed18(e.qBefore)])), sym),
      h("h3", {}, `Rebalances (${events.length}${behind > 0 ? `, ${behind} blocks still to read` : ""})`),
      events.length ? list : h("p", { class: "muted" }, "No rebalance since the deployment."),
    );
  }

  const el = h("section", { class: "card", "data-testid": "page-health" }, h("h2", {}, "Pool health"), body);
  return { el, refresh };
}
