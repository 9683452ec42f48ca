// The node connection and the two ways the app talks to a contract: a dry-run read, and a
// transaction that is dry-run first (so a refusal is shown before anything is signed), then
// signed, sent and watched until it is in a block.

import { ApiPromise, WsProvider } from "@polkadot/api";
import { ContractPromise } from "@polkadot/api-contract";
import type { Signer } from "@polkadot/api/types";
import type { KeyringPair } from "@polkadot/keyring/types";
import type { ExtrinsicStatus, WeightV2 } from "@polkadot/types/interfaces";
import { DepositError, depositLimit } from "./lib/deposit";
import { errorText } from "./lib/errors";

export class Unreachable extends Error {}

/** Connects to `url`, or fails with [`Unreachable`] after `timeoutMs`. */
export async function connect(url: string, timeoutMs = 8_000): Promise<ApiPromise> {
  const provider = new WsProvider(url, 2_000);
  const api = new ApiPromise({ provider });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Unreachable(`The node at ${url} does not answer.`)), timeoutMs),
  );
  try {
    return await Promise.race([api.isReadyOrError, timeout]);
  } catch (e) {
    await api.disconnect().catch(() => undefined);
    throw e instanceof Unreachable ? e : new Unreachable(`The node at ${url} does not answer.`);
  }
}

/** A contract's answer: its value, or the error it returned (a refusal, not a failure). */
export type Answer<T> = { ok: T } | { err: unknown };

function maxWeight(api: ApiPromise): WeightV2 {
  const limits = api.consts.system.blockWeights as unknown as { maxBlock: unknown };
  return api.registry.createType("WeightV2", limits.maxBlock) as WeightV2;
}

/** Dry-runs `message` as `caller`, with a whole block's weight as the gas limit. */
function dryRun(contract: ContractPromise, caller: string, message: string, args: unknown[]) {
  const fn = contract.query[message];
  if (!fn) throw new Error(`the contract has no message ${message}`);
  return fn(caller, { gasLimit: maxWeight(contract.api as ApiPromise), storageDepositLimit: null }, ...args);
}

/** Reads `message` by dry-run. Messages returning `Result` answer `{ok}` or `{err}`. */
export async function query(
  contract: ContractPromise,
  caller: string,
  message: string,
  ...args: unknown[]
): Promise<unknown> {
  const { result, output } = await dryRun(contract, caller, message, args);
  if (result.isErr || !output) throw new Error(`${message} trapped: ${result.toString()}`);
  const lang = output.toPrimitive() as { ok?: unknown; err?: unknown };
  if ("err" in lang && lang.err !== undefined) throw new Error(`${message}: ${JSON.stringify(lang.err)}`);
  return lang.ok;
}

/** Reads a message that returns `Result<T, Error>`. */
export async function ask<T>(contract: ContractPromise, caller: string, message: string, ...args: unknown[]): Promise<Answer<T>> {
  const r = (await query(contract, caller, message, ...args)) as { ok?: T; err?: unknown };
  return "err" in r && r.err !== undefined ? { err: r.err } : { ok: r.ok as T };
}

/** Who signs: a dev key held by the page, or an extension account and its signer. */
export type Signing = { pair: KeyringPair } | { address: string; signer: Signer };

export function addressOf(s: Signing): string {
  return "pair" in s ? s.pair.address : s.address;
}

/** The outcome of a sent transaction: in a block, or refused (by dry-run or on chain). */
export type Sent = { block: string } | { refused: unknown } | { failed: string };

/**
 * Dry-runs `message` as the signer; if the contract accepts, signs and sends it with the dry-run's
 * gas plus 20% and a bounded storage deposit limit (`depositLimit`: the charge plus 20%, 0 for a
 * refund, refused above `MAX_STORAGE_DEPOSIT`), and resolves once it is in a block.
 */
export async function send(contract: ContractPromise, who: Signing, message: string, ...args: unknown[]): Promise<Sent> {
  return sendWatched(contract, who, () => undefined, message, ...args);
}

/** As [`send`], reporting each step (dry-run, signing, the pool's status) to `progress`. */
export async function sendWatched(
  contract: ContractPromise,
  who: Signing,
  progress: (step: string) => void,
  message: string,
  ...args: unknown[]
): Promise<Sent> {
  progress("dry-run");
  const api = contract.api as ApiPromise;
  const dry = await dryRun(contract, addressOf(who), message, args);
  if (dry.result.isErr) return { failed: describeDispatch(api, dry.result.asErr) };
  const out = dry.output?.toPrimitive() as { ok?: { ok?: unknown; err?: unknown }; err?: unknown } | undefined;
  if (out?.ok && typeof out.ok === "object" && "err" in out.ok && out.ok.err !== undefined) return { refused: out.ok.err };
  const gas = dry.gasRequired;
  const gasLimit = api.registry.createType("WeightV2", {
    refTime: (gas.refTime.toBigInt() * 12n) / 10n,
    proofSize: (gas.proofSize.toBigInt() * 12n) / 10n,
  }) as WeightV2;
  const deposit = dry.storageDeposit;
  let storageDepositLimit: bigint;
  try {
    storageDepositLimit = depositLimit(
      deposit.isCharge ? { charge: deposit.asCharge.toBigInt() } : { refund: deposit.asRefund.toBigInt() },
    );
  } catch (e) {
    if (e instanceof DepositError) return { failed: e.message };
    throw e;
  }
  const tx = contract.tx[message]({ gasLimit, storageDepositLimit }, ...args);
  progress("signing");
  return new Promise<Sent>((resolve) => {
    // Status updates keep coming after the outcome (Finalized after InBlock): only the first
    // outcome counts, and nothing is reported after it.
    let done = false;
    let unsubscribe: (() => void) | undefined;
    const finish = (sent: Sent) => {
      if (done) return;
      done = true;
      unsubscribe?.();
      resolve(sent);
    };
    const watch = ({ status, dispatchError }: { status: ExtrinsicStatus; dispatchError?: unknown }) => {
      if (done) return;
      progress(status.type);
      if (dispatchError) finish({ failed: describeDispatch(api, dispatchError) });
      else if (status.isInBlock) finish({ block: status.asInBlock.toHex() });
      // A chain that seals and finalises at once may report Finalized without InBlock first.
      else if (status.isFinalized) finish({ block: status.asFinalized.toHex() });
      else if (status.isInvalid || status.isDropped || status.isUsurped) {
        finish({ failed: `the node did not include it (${status.type})` });
      }
    };
    const sent = "pair" in who ? tx.signAndSend(who.pair, watch) : tx.signAndSend(who.address, { signer: who.signer }, watch);
    sent.then(
      (unsub) => (done ? unsub() : (unsubscribe = unsub)),
      (e: unknown) => finish({ failed: errorText(e) }),
    );
  });
}

function describeDispatch(api: ApiPromise, error: unknown): string {
  const e = error as { isModule?: boolean; asModule?: unknown; toString(): string };
  if (e.isModule) {
    const meta = api.registry.findMetaError(e.asModule as never);
    return `${meta.section}.${meta.name}: ${meta.docs.join(" ")}`;
  }
  return e.toString();
}
