// Whether addresses hold the code the app was built against. The contracts' metadata served next
// to the app carries `source.hash`, the code hash of the compiled contract; the chain knows each
// address's code hash. Any difference (another contract, an upgraded one, or none at all) means the
// app's ABI and the address cannot be trusted together. The record's addresses are checked when
// the app starts; the contracts a transaction touches are checked again before it is signed,
// because a contract's owner can change its code (`set_code`) while the page is open.

const HASH = /^0x[0-9a-f]{64}$/;

/** The code hash a contract's metadata JSON declares (`source.hash`), lower-case; undefined if none. */
export function bundledCodeHash(metadata: unknown): string | undefined {
  const hash = (metadata as { source?: { hash?: unknown } } | null)?.source?.hash;
  if (typeof hash !== "string") return undefined;
  const lower = hash.toLowerCase();
  return HASH.test(lower) ? lower : undefined;
}

/** One record entry to check: its name in the record, its address, and both hashes. */
export interface CodeCheck {
  name: string;
  address: string;
  /** From the bundled metadata; undefined when the metadata declares none. */
  expected: string | undefined;
  /** From the chain; null when the address holds no contract. */
  onChain: string | null;
}

/**
 * The problems with `checks`, one sentence each; empty when every address holds exactly the
 * bundled code. Hashes compare case-insensitively. A missing bundled hash is a problem too: the
 * app never starts unchecked against a contract it was asked to verify.
 */
export function codeHashProblems(checks: CodeCheck[]): string[] {
  const problems: string[] = [];
  for (const c of checks) {
    const at = `${c.name} (${c.address})`;
    if (c.expected === undefined || !HASH.test(c.expected.toLowerCase())) {
      problems.push(`The app's metadata for ${c.name} has no code hash to check ${at} against.`);
    } else if (c.onChain === null) {
      problems.push(`There is no contract at ${at} on this chain.`);
    } else if (c.onChain.toLowerCase() !== c.expected.toLowerCase()) {
      problems.push(`${at} runs code ${c.onChain.slice(0, 10)}…, not the ${c.expected.slice(0, 10)}… this app was built for.`);
    }
  }
  return problems;
}

/**
 * Messages that give their first argument, the spender, the right to move the caller's tokens.
 * The spender's code decides what happens to them, so it is checked like the contract called.
 */
export const GRANTS_TO_SPENDER: ReadonlySet<string> = new Set(["psp22Approve", "psp22IncreaseAllowance"]);

/**
 * Why a transaction calling `message` with `firstArg` must not be signed, one sentence each;
 * empty when it may be. `checks` holds every contract the transaction names as a contract, each
 * with the code hash its bundled metadata declares and the one just read from the chain. Besides
 * `codeHashProblems(checks)`, a message in `GRANTS_TO_SPENDER` whose spender (`firstArg`, an
 * address) is not one of `checks` is a problem: nothing vouches for the code that would get the
 * allowance. Addresses compare as written, so a spender spelt differently is refused, not trusted.
 */
export function signingProblems(message: string, firstArg: unknown, checks: CodeCheck[]): string[] {
  const problems = codeHashProblems(checks);
  if (GRANTS_TO_SPENDER.has(message) && !checks.some((c) => c.address === firstArg)) {
    problems.push(`${message} would give ${String(firstArg)} the right to move your tokens, and the app has no code hash to check it against.`);
  }
  return problems;
}
