// The deployment record as the app uses it, and what the node says about its chain.

import { AccountId32 } from "dedot/codecs";
import type { Deployment } from "../deployment";

/** Every address of a record's `contracts`, spelt in SS58 with prefix 42. */
export function ss58Contracts(contracts: Deployment["contracts"]): Deployment["contracts"] {
  const spelt = Object.entries(contracts).map(([name, a]) => [name, a === undefined ? a : new AccountId32(a).address()]);
  return Object.fromEntries(spelt) as Deployment["contracts"];
}

/**
 * Whether the node's `system_chainType` is a development or local chain, where dev accounts
 * (`//Alice`) may be offered: the node's own word, as the bots read it, not its chain's name.
 */
export function isDevChain(chainType: unknown): boolean {
  const name = typeof chainType === "string" ? chainType : chainType !== null && typeof chainType === "object" ? Object.keys(chainType)[0] : "";
  return name === "Development" || name === "Local";
}

/**
 * Why the pool does not trade the record's tokens, one sentence each; empty when its `tokens()`
 * are the record's base and quote. Matching code hashes show each address runs Keel's code, not
 * that this pool trades these tokens: amounts, approvals and balances are the record's tokens'.
 * Addresses compare as given: the caller spells both the same way (SS58, prefix 42).
 */
export function tokenProblems(poolTokens: [string, string], record: { base: string; quote: string }): string[] {
  const problems: string[] = [];
  if (poolTokens[0] !== record.base) problems.push(`The pool's base token is ${poolTokens[0]}, not the record's (${record.base}).`);
  if (poolTokens[1] !== record.quote) problems.push(`The pool's quote token is ${poolTokens[1]}, not the record's (${record.quote}).`);
  return problems;
}
