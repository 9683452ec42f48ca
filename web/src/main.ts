// Keel's wallet dApp: connects to the node in the deployment record, picks an account (a browser
// extension's, or on a dev chain a dev key), and shows the swap, liquidity, activity and health pages,
// refreshed on every new block. Every failure people meet ends in a visible, plain banner; a record
// whose addresses do not hold the bundled contracts' code stops the app before any page is shown.

import "./style.css";
import { devAccounts, extensionAccounts, type Account } from "./accounts";
import { Unreachable } from "./chain";
import type { Ctx, Page } from "./context";
import { loadBundle } from "./deployment";
import { EventLog } from "./events";
import { errorText } from "./lib/errors";
import { InFlight, browserLocks, browserStore } from "./lib/inflight";
import { minutesFromText, toleranceFromPercent } from "./lib/slippage";
import { activityPage } from "./pages/activity";
import { healthPage } from "./pages/health";
import { liquidityPage } from "./pages/liquidity";
import { swapPage } from "./pages/swap";
import { open, type Keel } from "./pool";
import { h } from "./ui";

const app = document.getElementById("app")!;
const banners = h("div", { "data-testid": "banners" });

function banner(tone: "error" | "info", text: string, testid: string): void {
  banners.querySelector(`[data-testid="${testid}"]`)?.remove();
  banners.append(h("div", { class: `banner ${tone}`, role: "alert", "data-testid": testid }, text));
}

function clearBanner(testid: string): void {
  banners.querySelector(`[data-testid="${testid}"]`)?.remove();
}

async function accountsFor(keel: Keel): Promise<Account[]> {
  const fromExtension = await extensionAccounts().catch(() => null);
  if (fromExtension === null) {
    banner("info", keel.dev
      ? "No wallet extension found. On this development chain you can use a dev account below; elsewhere install polkadot.js, Talisman or SubWallet."
      : "No wallet extension found. Install polkadot.js, Talisman or SubWallet to trade.", "no-extension");
  }
  return [...(fromExtension ?? []), ...(keel.dev ? await devAccounts() : [])];
}

async function start(): Promise<void> {
  app.replaceChildren(banners);
  let keel: Keel;
  try {
    const bundle = await loadBundle();
    keel = await open(bundle);
  } catch (e) {
    const text = e instanceof Unreachable
      ? `${e.message} Start it (scripts/node.sh start) and reload.`
      : `Keel could not start: ${errorText(e)}`;
    banner("error", text, "unreachable");
    return;
  }
  keel.notes.forEach((note, i) => banner("info", note, `note-${i}`));
  if (!keel.rightNetwork) {
    banner("error", `Wrong network: this node's chain is not the one Keel was deployed to (genesis ${keel.deployment.genesis_hash.slice(0, 10)}…).`, "wrong-network");
    return;
  }
  if (keel.codeProblems.length > 0) {
    banner("error", `Keel will not start: the deployment record does not match the contracts this app was built for. ${keel.codeProblems.join(" ")}`, "wrong-code");
    return;
  }
  keel.client.on("disconnected", () => banner("error", "Lost the connection to the node; reconnecting…", "unreachable"));
  keel.client.on("connected", () => clearBanner("unreachable"));

  const accounts = await accountsFor(keel);
  const picker = h("select", { "data-testid": "account" }, h("option", { value: "" }, "choose an account"),
    // By position: one account held in two wallets is two entries, each signing through its own.
    ...accounts.map((a, i) => h("option", { value: String(i) }, a.label)));
  const tolerance = h("input", { "data-testid": "tolerance", value: "0.5", inputmode: "decimal", title: "slippage tolerance, %" });
  const minutes = h("input", { "data-testid": "deadline", value: "20", inputmode: "numeric", title: "deadline, minutes" });
  const expert = h("input", { type: "checkbox", "data-testid": "expert", title: "allow swaps above 15% price impact after a typed confirmation" });
  const ctx: Ctx = {
    keel,
    account: () => (picker.value === "" ? undefined : accounts[Number(picker.value)]),
    settings: { toleranceBps: 50, deadlineMinutes: 20, expert: false },
    log: new EventLog(keel),
    inFlight: new InFlight(browserStore(), `${keel.deployment.genesis_hash}:${keel.deployment.contracts.pool}`, browserLocks()),
  };
  expert.addEventListener("change", () => {
    ctx.settings.expert = expert.checked;
    void refresh();
  });
  tolerance.addEventListener("input", () => {
    ctx.settings.toleranceBps = toleranceFromPercent(tolerance.value);
    void refresh();
  });
  minutes.addEventListener("input", () => (ctx.settings.deadlineMinutes = minutesFromText(minutes.value)));

  const pages: Record<string, Page> = { swap: swapPage(ctx), liquidity: liquidityPage(ctx), activity: activityPage(ctx), health: healthPage(ctx) };
  const nav = h("nav", {}, ...Object.keys(pages).map((name) => h("a", { href: `#/${name}`, "data-testid": `nav-${name}` }, name[0].toUpperCase() + name.slice(1))));
  const main = h("main");
  const current = () => pages[location.hash.replace("#/", "")] ?? pages.swap;
  const refresh = () => current().refresh().catch((e: unknown) => banner("error", `Could not read the pool: ${errorText(e)}`, "read-failed"));
  function show(): void {
    main.replaceChildren(current().el);
    nav.querySelectorAll("a").forEach((a) => a.classList.toggle("active", a.getAttribute("href") === `#/${location.hash.replace("#/", "") || "swap"}`));
    void refresh();
  }
  app.replaceChildren(
    h("header", {}, h("h1", {}, "Keel"), nav,
      h("div", { class: "settings" },
        h("label", {}, "slippage % ", tolerance), h("label", {}, "deadline min ", minutes), h("label", {}, expert, " expert")),
      h("div", { class: "account" }, h("label", {}, h("span", { class: "sr-only" }, "account"), picker))),
    banners, main);
  picker.addEventListener("change", () => void refresh());
  window.addEventListener("hashchange", show);
  show();
  keel.client.block.best(() => void refresh());
}

void start();
