// Who the app signs as: accounts from browser wallet extensions (polkadot.js, Talisman, SubWallet
// all inject `window.injectedWeb3` the same way), or on a local dev chain only, the well-known dev
// keys. The keyring behind the dev keys is loaded only when they are offered.

import type { InjectedSigner } from "dedot/types";
import { decodeAddress, encodeAddress } from "dedot/utils";
import type { Signing } from "./chain";

export interface Account {
  label: string;
  address: string;
  signing(): Promise<Signing>;
}

/** What an extension injects under its name in `window.injectedWeb3`. */
interface InjectedWallet {
  enable(origin: string): Promise<{
    accounts: { get(): Promise<{ address: string; name?: string; type?: string }[]> };
    signer: InjectedSigner;
  }>;
}

/** Extensions inject their entries while the page loads; they are all there once it has. */
async function loaded(): Promise<void> {
  if (document.readyState === "complete") return;
  await new Promise<void>((resolve) => window.addEventListener("load", () => resolve(), { once: true }));
}

/** Substrate key types: wallets also hold Ethereum accounts, which cannot sign here. */
const SUBSTRATE_KEYS = new Set([undefined, "sr25519", "ed25519", "ecdsa"]);

/**
 * `address` in the generic Substrate format (prefix 42), as the app writes every address it reads
 * from the chain, whatever display format the wallet uses; null when it is not an address.
 */
export function generic(address: string): string | null {
  try {
    return encodeAddress(decodeAddress(address), 42);
  } catch {
    return null;
  }
}

/**
 * Every injected wallet's Substrate accounts, the app named "Keel" to each; `null` when no
 * extension is installed or every one refused the app.
 */
export async function extensionAccounts(): Promise<Account[] | null> {
  await loaded();
  const injected = (window as unknown as { injectedWeb3?: Record<string, InjectedWallet> }).injectedWeb3 ?? {};
  const found: Account[] = [];
  let enabled = 0;
  for (const [source, wallet] of Object.entries(injected)) {
    const ext = await wallet.enable("Keel").catch(() => null);
    if (!ext) continue;
    enabled++;
    for (const a of await ext.accounts.get()) {
      const address = generic(a.address);
      if (!address || !SUBSTRATE_KEYS.has(a.type)) continue;
      found.push({
        label: `${a.name ?? "account"} (${source})`,
        address,
        // The wallet is asked to sign for the address as it knows it.
        signing: async () => ({ address: a.address, signer: ext.signer }),
      });
    }
  }
  return enabled === 0 ? null : found;
}

export const DEV_URIS = ["//Alice", "//Bob", "//Charlie", "//Dave"];

/** Dev keys, for a local development chain only: anyone can sign with them. */
export async function devAccounts(): Promise<Account[]> {
  const [{ Keyring }, { cryptoWaitReady }] = await Promise.all([import("@polkadot/keyring"), import("@polkadot/util-crypto")]);
  await cryptoWaitReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  return DEV_URIS.map((uri) => {
    const pair = keyring.addFromUri(uri);
    return { label: `${uri.slice(2)} (dev)`, address: pair.address, signing: async () => ({ pair }) };
  });
}
