// Whether the addresses in the deployment record hold the code the app was built against. The
// contracts' metadata served next to the app carries `source.hash`, the code hash of the compiled
// contract; the chain knows each address's code hash. Any difference (another contract, an
// upgraded one, or none at all) means the app's ABI and the record cannot be trusted together.

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
