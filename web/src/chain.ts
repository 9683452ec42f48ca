// The node connection and the two ways the app talks to a contract: a dry-run read, and a
// transaction that is dry-run first (so a refusal is shown before anything is signed), checked
// against the code the app was built for, then signed, sent and watched until it is in a block.
// The client is dedot's; the contracts are typed from their own metadata (src/contracts/, which
// `npm run typegen` writes from the build), so a renamed message or field breaks the typecheck.

import { DedotClient, WsProvider } from "dedot";
import { Contract, type GenericContractApi } from "dedot/contracts";
import type { IKeyringPair, InjectedSigner } from "dedot/types";
import { hexToU8a } from "dedot/utils";
import { bundledCodeHash, signingProblems, type CodeCheck } from "./lib/codehash";
import { DepositError, depositLimit } from "./lib/deposit";
import { describePoolError, describeTokenError, errorText } from "./lib/errors";
import { GasError, gasLimit } from "./lib/gas";
import { inFlightNow } from "./lib/inflight";
import { deadlineNow } from "./lib/slippage";
import { declinedInWallet, type Sent } from "./lib/outcome";

export class Unreachable extends Error {}

/**
 * Connects to `url` over the legacy JSON-RPC (it reads any block's state, which the health charts
 * need), or fails with [`Unreachable`] after `timeoutMs`. A chain that seals blocks only when a
 * transaction arrives (a dev chain) goes quiet for minutes, so the client's reconnection after 30 s
 * without a block is off; a lost connection still shows (main.ts).
 */
export async function connect(url: string, timeoutMs = 8_000): Promise<DedotClient> {
  const client = new DedotClient({
    provider: new WsProvider({ endpoint: url, retryDelayMs: 2_000 }),
    rpcVersion: "legacy",
    stalingDetectionTimeout: 0,
  });
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Unreachable(`The node at ${url} does not answer.`)), timeoutMs),
  );
  try {
    return await Promise.race([client.connect(), timeout]);
  } catch (e) {
    await client.disconnect().catch(() => undefined);
    throw e instanceof Unreachable ? e : new Unreachable(`The node at ${url} does not answer.`);
  }
}

/** The latest block's time (ms) the chain has told [`followChainTime`]'s subscription (0 before),
 * and the browser's clock when a block arrived as it was made (0 until one has). */
let chainTimeMs = 0;
let chainSeenAtMs = 0;
/** Whether the chain seals blocks on demand at its node's clock (a dev chain; `deadlineNow`). */
let devChainClock = false;

/**
 * Keeps the chain's time at that of each new block `client` sees. Gives up waiting for the
 * subscription after `timeoutMs`: deadlines then count from the browser's clock alone.
 */
export async function followChainTime(client: DedotClient, timeoutMs = 5_000): Promise<void> {
  const subscribed = client.query.timestamp.now((ms: bigint) => {
    // The first value is the best block at subscription, however old (a chain may seal blocks
    // only on demand): its arrival says nothing of when it was made. Later ones arrive as made.
    if (chainTimeMs > 0) chainSeenAtMs = Date.now();
    chainTimeMs = Number(ms);
  });
  const late = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs));
  await Promise.race([subscribed.then(() => undefined, () => undefined), late]);
}

/** Tells the deadlines whether the chain is a dev chain (`isDevChain` of its `system_chainType`). */
export function setDevChainClock(dev: boolean): void {
  devChainClock = dev;
}

/** Now, for a transaction's deadline ([`deadlineNow`]). */
export function deadlineBaseMs(): number {
  return deadlineNow(Date.now(), { timeMs: chainTimeMs, seenAtMs: chainSeenAtMs }, devChainClock);
}

/** Now, for an unreported transaction's wait (`inFlightNow`): the chain's latest block time. */
export function inFlightNowMs(): number {
  return inFlightNow(Date.now(), chainTimeMs);
}

/** A contract's answer: its value, or the error it returned (a refusal, not a failure). */
export type Answer<T> = { ok: T } | { err: unknown };

/** A SCALE `Result` as dedot decodes one. */
export type Outcome<T, E> = { isOk: true; value: T } | { isOk?: false; isErr: true; err: E };

/** `r` as an [`Answer`]. */
export function answer<T, E>(r: Outcome<T, E>): Answer<T> {
  return r.isOk ? { ok: r.value } : { err: r.err };
}

/** The error a dry-run's decoded answer carries, when the contract refused (a `Result`'s `Err`). */
function refusalIn(data: unknown): { err: unknown } | null {
  const out = data as Outcome<unknown, unknown> | undefined;
  return out && typeof out === "object" && "isErr" in out && out.isErr ? { err: out.err } : null;
}

/** The SCALE bytes a read returned, without ink!'s `Result<_, LangError>` around them. */
export function returnedBytes(raw: { result: unknown }): Uint8Array {
  const data = (raw.result as { value: { data: string | Uint8Array } }).value.data;
  const bytes = typeof data === "string" ? hexToU8a(data) : data;
  if (bytes[0] !== 0) throw new Error("the contract answered with a LangError");
  return bytes.slice(1);
}

/** Who signs: a dev key held by the page, or an extension account and its signer. */
export type Signing = { pair: IKeyringPair & { address: string } } | { address: string; signer: InjectedSigner };

export function addressOf(s: Signing): string {
  return "pair" in s ? s.pair.address : s.address;
}

export type { Sent } from "./lib/outcome";

/** The code hash at `address` on chain, or null when it holds no contract. */
export async function codeHashAt(client: DedotClient, address: string): Promise<string | null> {
  if (!client.metadata.latest.pallets.some((p) => p.name === "Contracts")) throw new Error("this node has no contracts pallet");
  const contracts = (client.query as unknown as { contracts: { contractInfoOf(a: string): Promise<{ codeHash: string } | undefined> } }).contracts;
  const info = await contracts.contractInfoOf(address);
  return info ? info.codeHash : null;
}

type AnyContract = Contract<GenericContractApi>;

/**
 * Why the transaction must not be signed now (empty when it may be): each contract in `named`
 * (the one called first, then any passed as an argument) read from the chain against the code hash
 * its own bundled metadata declares, and an allowance's spender required to be one of them
 * (`signingProblems`). A read that fails is a problem too.
 */
async function codeProblemsNow(client: DedotClient, named: AnyContract[], message: string, firstArg: unknown): Promise<string[]> {
  const checks = await Promise.all(named.map(async (c): Promise<CodeCheck | string> => {
    const address = String(c.address);
    const name = (c.metadata as { contract: { name: string } }).contract.name;
    try {
      return { name, address, expected: bundledCodeHash(c.metadata), onChain: await codeHashAt(client, address) };
    } catch (e) {
      return `The code of ${name} (${address}) could not be read: ${errorText(e)}.`;
    }
  }));
  const unread = checks.filter((c): c is string => typeof c === "string");
  return [...unread, ...signingProblems(message, firstArg, checks.filter((c): c is CodeCheck => typeof c !== "string"))];
}

type Dry = { data: unknown; raw: { gasRequired: { refTime: bigint; proofSize: bigint }; storageDeposit: { type: string; value: bigint } } };

/** Arguments as a call takes them: a `Contract` as its address. */
function plainArgs(args: unknown[]): unknown[] {
  return args.map((a) => (a instanceof Contract ? String(a.address) : a));
}

/** `message` with `plain` arguments dry-run as the signer: its answer, its refusal, or why it could not run. */
async function dryRun(called: AnyContract, who: Signing, message: string, plain: unknown[]): Promise<{ dry: Dry } | { refused: unknown } | { failed: string }> {
  const query = called.query[message] as unknown as (...a: unknown[]) => Promise<Dry>;
  try {
    const dry = await query(...plain, { caller: addressOf(who) });
    const refusal = refusalIn(dry.data);
    return refusal ? { refused: refusal.err } : { dry };
  } catch (e) {
    return { failed: describeDryRun(called.client as unknown as DedotClient, e) };
  }
}

/**
 * What a dry-run of `message` as the signer says, signing nothing: null when the contract accepts
 * it now, else its refusal or why the dry-run could not run.
 */
export async function refusalNow<A extends GenericContractApi>(
  contract: Contract<A>,
  who: Signing,
  message: keyof A["query"] & string,
  ...args: unknown[]
): Promise<{ refused: unknown } | { failed: string } | null> {
  const tried = await dryRun(contract as unknown as AnyContract, who, message, plainArgs(args));
  return "dry" in tried ? null : tried;
}

/**
 * Dry-runs `message` as the signer; if the contract accepts, signs and sends it and resolves once
 * it is in a block. An argument given as a `Contract` is sent as its address, and its code is
 * checked like the contract called (pass an allowance's spender that way: `signingProblems`
 * refuses one given as a bare address). The transaction carries the dry-run's gas plus a margin,
 * bounded (`gasLimit`), and a bounded storage deposit limit (`depositLimit`). Immediately before
 * the wallet is asked to sign, and again after it has signed and before anything is sent, the
 * code hash of every contract the call touches is read from the chain and compared with the
 * bundled metadata's; a difference resolves `{ notSent }` and nothing reaches the node. A
 * `set_code` that lands between that last read and the transaction's inclusion is not seen.
 */
export async function send<A extends GenericContractApi>(
  contract: Contract<A>,
  who: Signing,
  message: keyof A["tx"] & keyof A["query"] & string,
  ...args: unknown[]
): Promise<Sent> {
  return sendWatched(contract, who, { progress: () => undefined }, message, ...args);
}

/** What the sender of a transaction is told while it is under way. */
export interface Watch {
  /** Each step: dry-run, checking code, signing, then the transaction's statuses from the node. */
  progress(step: string): void;
  /**
   * Once, immediately before the signed transaction goes to the node (from then on it may land),
   * with the nonce it carries (null when it cannot be read from what goes out): a reason to
   * withhold it instead resolves `{ notSent, signed: true }`, and nothing is sent.
   */
  sending?(nonce: bigint | null): string | null;
}

/** As [`send`], telling `watch` each step and the moment the transaction goes to the node. */
export async function sendWatched<A extends GenericContractApi>(
  contract: Contract<A>,
  who: Signing,
  watch: Watch,
  message: keyof A["tx"] & keyof A["query"] & string,
  ...args: unknown[]
): Promise<Sent> {
  const progress = (step: string) => watch.progress(step);
  const client = contract.client as unknown as DedotClient;
  const called = contract as unknown as AnyContract;
  const named = [called, ...args.filter((a): a is AnyContract => a instanceof Contract)];
  const plain = plainArgs(args);
  progress("dry-run");
  const tried = await dryRun(called, who, message, plain);
  if (!("dry" in tried)) return tried;
  const dry = tried.dry;
  let limits: { gasLimit: { refTime: bigint; proofSize: bigint }; storageDepositLimit: bigint };
  try {
    const deposit = dry.raw.storageDeposit;
    limits = {
      gasLimit: gasLimit(dry.raw.gasRequired),
      storageDepositLimit: depositLimit(deposit.type === "Charge" ? { charge: deposit.value } : { refund: deposit.value }),
    };
  } catch (e) {
    if (e instanceof GasError || e instanceof DepositError) return { notSent: e.message, signed: false };
    throw e;
  }
  const build = called.tx[message] as unknown as (...a: unknown[]) => Extrinsic;
  const tx = build(...plain, limits);
  const changed = async (): Promise<string | null> => {
    progress("checking code");
    const problems = await codeProblemsNow(client, named, message, plain[0]);
    return problems.length === 0 ? null : `Refused: ${problems.join(" ")}`;
  };
  const before = await changed();
  if (before) return { notSent: before, signed: false };
  progress("signing");
  try {
    const nonce = await accountNonce(client, addressOf(who));
    await ("pair" in who ? tx.sign(who.pair, { nonce }) : tx.sign(who.address, { signer: who.signer, nonce }));
  } catch (e) {
    return declinedInWallet(e) ? { declined: true } : { failed: errorText(e) };
  }
  const after = await changed();
  if (after) return { notSent: after, signed: true };
  const withheld = watch.sending?.(carriedNonce(tx)) ?? null;
  if (withheld !== null) return { notSent: withheld, signed: true };
  return new Promise<Sent>((resolve) => {
    // Status updates keep coming after the outcome (Finalized after the block): only the first
    // outcome counts, and nothing is reported after it. A node that never reports one ends the
    // wait after `OUTCOME_TIMEOUT_MS`, so the form is not left frozen.
    let done = false;
    // The chain's error once a block reports one: later statuses (Finalized) carry it again, and
    // the wait ends with it even if explaining it outlasts the timer.
    let reverted: string | undefined;
    const timer = setTimeout(
      () => finish(reverted === undefined ? { failed: OUTCOME_TIMEOUT, unreported: true } : { failed: reverted }),
      OUTCOME_TIMEOUT_MS,
    );
    let unsubscribe: (() => Promise<void>) | undefined;
    const finish = (sent: Sent) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void unsubscribe?.();
      resolve(sent);
    };
    const onStatus = ({ status, dispatchError }: TxResult) => {
      if (done || reverted !== undefined) return;
      progress(status.type);
      if (dispatchError) {
        reverted = describeDispatch(client, dispatchError);
        void explainFailure(reverted).then(finish);
      }
      // A chain that seals and finalises at once may report Finalized without the block first.
      else if (status.type === "BestChainBlockIncluded" || status.type === "Finalized") {
        finish({ block: (status.value as { blockHash: string }).blockHash });
      } else if (status.type === "Invalid") {
        finish({ failed: "the node refused it as invalid" });
      } else if (status.type === "Drop") {
        // Dropped from this node's pool: another node may still hold it and include it.
        finish({ failed: "this node dropped it; another node may still include it before its deadline", unreported: true });
      }
    };
    // A revert's own reason (the contract's output) is not in the block's events; the same call
    // dry-run now most often meets the same refusal (the price past the limit, the deadline), and
    // is shown as what it is: today's answer, beside the chain's error.
    const explainFailure = async (why: string): Promise<Sent> => {
      if (!why.startsWith("Contracts.ContractReverted")) return { failed: why };
      const again = await dryRun(called, who, message, plain);
      // The app sends the pool's messages and the tokens' `psp22Approve`.
      const describe = message.startsWith("psp22") ? describeTokenError : describePoolError;
      return { failed: "refused" in again ? `${why} The same call now: ${describe(again.refused)}` : why };
    };
    tx.send(onStatus).then(
      (unsub) => (done ? void unsub() : (unsubscribe = unsub)),
      // The node may have received it before the connection failed.
      (e: unknown) => finish({ failed: errorText(e), unreported: true }),
    );
  });
}

/**
 * `address`'s nonce in the best block's state: the next transaction it signs takes it, and once
 * the chain's nonce has passed a transaction's, that transaction (or another with its nonce) is
 * in a block and can no longer land.
 */
export async function accountNonce(client: DedotClient, address: string): Promise<number> {
  return (await client.query.system.account(address)).nonce;
}

/**
 * The nonce the transaction that goes to the node carries, read from its encoding (a wallet may
 * hand back a transaction of its own, with another nonce, in place of the one it was asked to
 * sign); null when it cannot be read, so a wait noted with it holds until the deadline.
 */
function carriedNonce(tx: Extrinsic): bigint | null {
  try {
    const extra = tx.$Codec.tryDecode(tx.toHex()).signature?.extra;
    const at = tx.registry.metadata.extrinsic.signedExtensions.findIndex((e) => e.ident === "CheckNonce");
    const nonce = Array.isArray(extra) && at >= 0 ? (extra[at] as unknown) : undefined;
    return typeof nonce === "number" || typeof nonce === "bigint" ? BigInt(nonce) : null;
  } catch {
    return null;
  }
}

/** How long a sent transaction may go without an outcome before the app stops waiting. */
export const OUTCOME_TIMEOUT_MS = 180_000;
const OUTCOME_TIMEOUT = "the node reported no outcome within 3 minutes; it may still land: check your balances before trying again";

/** What the app needs of a contract extrinsic. */
interface Extrinsic {
  sign(account: IKeyringPair | string, options?: { signer?: InjectedSigner; nonce?: number }): Promise<unknown>;
  /** What goes to the node: a wallet may have handed back a transaction of its own making. */
  toHex(): string;
  $Codec: { tryDecode(hex: string): { signature?: { extra?: unknown } } };
  registry: { metadata: { extrinsic: { signedExtensions: { ident: string }[] } } };
  send(callback: (r: TxResult) => void): Promise<() => Promise<void>>;
}

type TxResult = { status: { type: string; value?: unknown }; dispatchError?: unknown };

/** A dry run that failed before the contract answered: a dispatch error (a trap) or a LangError. */
function describeDryRun(client: DedotClient, e: unknown): string {
  const dispatch = (e as { dispatchError?: unknown }).dispatchError;
  return dispatch === undefined ? errorText(e) : describeDispatch(client, dispatch);
}

function describeDispatch(client: DedotClient, error: unknown): string {
  const meta = client.registry.findErrorMeta(error as never);
  if (meta) return `${meta.pallet}.${meta.name}: ${meta.docs.join(" ")}`;
  return JSON.stringify(error, (_, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}
