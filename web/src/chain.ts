// The node connection and the two ways the app talks to a contract: a dry-run read, and a
// transaction that is dry-run first (so a refusal is shown before anything is signed), checked
// against the code the app was built for, then signed, sent and watched until it is in a block.

import { ApiPromise, WsProvider } from "@polkadot/api";
import { ContractPromise } from "@polkadot/api-contract";
import type { Signer } from "@polkadot/api/types";
import type { KeyringPair } from "@polkadot/keyring/types";
import type { ExtrinsicStatus, WeightV2 } from "@polkadot/types/interfaces";
import { bundledCodeHash, signingProblems, type CodeCheck } from "./lib/codehash";
import { DepositError, depositLimit } from "./lib/deposit";
import { errorText } from "./lib/errors";
import { GasError, gasLimit } from "./lib/gas";
import { declinedInWallet, type Sent } from "./lib/outcome";

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

/** A whole block's weight: the gas limit of a dry run. */
export function maxWeight(api: ApiPromise): WeightV2 {
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

/** The SCALE bytes of `message`'s value, as the contract encoded it (read by dry-run). */
export async function queryBytes(contract: ContractPromise, caller: string, message: string, ...args: unknown[]): Promise<Uint8Array> {
  const { result, output } = await dryRun(contract, caller, message, args);
  if (result.isErr || !output) throw new Error(`${message} trapped: ${result.toString()}`);
  const lang = output as unknown as ScaleResult;
  if (!lang.isOk) throw new Error(`${message}: ${lang.asErr.toString()}`);
  return lang.asOk.toU8a();
}

/** A SCALE `Result` as polkadot.js decodes one. */
export interface ScaleResult {
  isOk: boolean;
  asOk: { toU8a(): Uint8Array; toString(): string };
  asErr: { toU8a(): Uint8Array; toString(): string };
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

export type { Sent } from "./lib/outcome";

/** The code hash at `address` on chain, or null when it holds no contract. */
export async function codeHashAt(api: ApiPromise, address: string): Promise<string | null> {
  const contracts = api.query.contracts;
  if (!contracts?.contractInfoOf) throw new Error("this node has no contracts pallet");
  const info = (await contracts.contractInfoOf(address)) as unknown as {
    isNone: boolean;
    unwrap(): { codeHash: { toHex(): string } };
  };
  return info.isNone ? null : info.unwrap().codeHash.toHex();
}

/**
 * Why the transaction must not be signed now (empty when it may be): each contract in `named`
 * (the one called first, then any passed as an argument) read from the chain against the code hash
 * its own bundled metadata declares, and an allowance's spender required to be one of them
 * (`signingProblems`). A read that fails is a problem too.
 */
async function codeProblemsNow(api: ApiPromise, named: ContractPromise[], message: string, firstArg: unknown): Promise<string[]> {
  const checks = await Promise.all(named.map(async (c): Promise<CodeCheck | string> => {
    const address = c.address.toString();
    const name = c.abi.info.contract.name.toString();
    try {
      return { name, address, expected: bundledCodeHash(c.abi.json), onChain: await codeHashAt(api, address) };
    } catch (e) {
      return `The code of ${name} (${address}) could not be read: ${errorText(e)}.`;
    }
  }));
  const unread = checks.filter((c): c is string => typeof c === "string");
  return [...unread, ...signingProblems(message, firstArg, checks.filter((c): c is CodeCheck => typeof c !== "string"))];
}

/**
 * Dry-runs `message` as the signer; if the contract accepts, signs and sends it and resolves once
 * it is in a block. An argument given as a `ContractPromise` is sent as its address, and its code
 * is checked like the contract called (pass an allowance's spender that way: `signingProblems`
 * refuses one given as a bare address). The transaction carries the dry-run's gas plus a margin,
 * bounded (`gasLimit`), and a bounded storage deposit limit (`depositLimit`). Immediately before
 * the wallet is asked to sign, and again after it has signed and before anything is sent, the
 * code hash of every contract the call touches is read from the chain and compared with the
 * bundled metadata's; a difference resolves `{ notSent }` and nothing reaches the node. A
 * `set_code` that lands between that last read and the transaction's inclusion is not seen.
 */
export async function send(contract: ContractPromise, who: Signing, message: string, ...args: unknown[]): Promise<Sent> {
  return sendWatched(contract, who, () => undefined, message, ...args);
}

/** As [`send`], reporting each step (dry-run, checking code, signing, the pool's status) to `progress`. */
export async function sendWatched(
  contract: ContractPromise,
  who: Signing,
  progress: (step: string) => void,
  message: string,
  ...args: unknown[]
): Promise<Sent> {
  const api = contract.api as ApiPromise;
  const named = [contract, ...args.filter((a): a is ContractPromise => a instanceof ContractPromise)];
  const plain = args.map((a) => (a instanceof ContractPromise ? a.address.toString() : a));
  progress("dry-run");
  const dry = await dryRun(contract, addressOf(who), message, plain);
  if (dry.result.isErr) return { failed: describeDispatch(api, dry.result.asErr) };
  const out = dry.output?.toPrimitive() as { ok?: { ok?: unknown; err?: unknown }; err?: unknown } | undefined;
  if (out?.ok && typeof out.ok === "object" && "err" in out.ok && out.ok.err !== undefined) return { refused: out.ok.err };
  let limits: { gasLimit: WeightV2; storageDepositLimit: bigint };
  try {
    const gas = gasLimit({ refTime: dry.gasRequired.refTime.toBigInt(), proofSize: dry.gasRequired.proofSize.toBigInt() });
    const deposit = dry.storageDeposit;
    limits = {
      gasLimit: api.registry.createType("WeightV2", gas) as WeightV2,
      storageDepositLimit: depositLimit(
        deposit.isCharge ? { charge: deposit.asCharge.toBigInt() } : { refund: deposit.asRefund.toBigInt() },
      ),
    };
  } catch (e) {
    if (e instanceof GasError || e instanceof DepositError) return { notSent: e.message, signed: false };
    throw e;
  }
  const tx = contract.tx[message](limits, ...plain);
  const changed = async (): Promise<string | null> => {
    progress("checking code");
    const problems = await codeProblemsNow(api, named, message, plain[0]);
    return problems.length === 0 ? null : `Refused: ${problems.join(" ")}`;
  };
  const before = await changed();
  if (before) return { notSent: before, signed: false };
  progress("signing");
  try {
    await ("pair" in who ? tx.signAsync(who.pair) : tx.signAsync(who.address, { signer: who.signer }));
  } catch (e) {
    return declinedInWallet(e) ? { declined: true } : { failed: errorText(e) };
  }
  const after = await changed();
  if (after) return { notSent: after, signed: true };
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
    tx.send(watch).then(
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
