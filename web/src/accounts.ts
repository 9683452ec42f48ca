// Who the app signs as: accounts from a browser extension (polkadot.js, Talisman, SubWallet all
// inject through the same interface), or on a local dev chain only, the well-known dev keys.

import { web3Accounts, web3Enable, web3FromAddress } from "@polkadot/extension-dapp";
import { Keyring } from "@polkadot/keyring";
import { cryptoWaitReady } from "@polkadot/util-crypto";
import type { Signing } from "./chain";

export interface Account {
  label: string;
  address: string;
  signing(): Promise<Signing>;
}

/** The extension's accounts; `null` when no extension is installed or it refused the app. */
export async function extensionAccounts(): Promise<Account[] | null> {
  const extensions = await web3Enable("Keel");
  if (extensions.length === 0) return null;
  return (await web3Accounts()).map((a) => ({
    label: `${a.meta.name ?? "account"} (${a.meta.source})`,
    address: a.address,
    async signing() {
      const injector = await web3FromAddress(a.address);
      return { address: a.address, signer: injector.signer };
    },
  }));
}

export const DEV_URIS = ["//Alice", "//Bob", "//Charlie", "//Dave"];

/** Dev keys, for a local development chain only: anyone can sign with them. */
export async function devAccounts(): Promise<Account[]> {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: "sr25519", ss58Format: 42 });
  return DEV_URIS.map((uri) => {
    const pair = keyring.addFromUri(uri);
    return { label: `${uri.slice(2)} (dev)`, address: pair.address, signing: async () => ({ pair }) };
  });
}
