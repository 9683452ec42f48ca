import { describe, expect, it } from "vitest";
import { GRANTS_TO_SPENDER, bundledCodeHash, codeHashProblems, signingProblems, type CodeCheck } from "./codehash";

const A = `0x${"ab".repeat(32)}`;
const B = `0x${"cd".repeat(32)}`;

describe("bundledCodeHash", () => {
  it("reads source.hash, lower-cased", () => {
    expect(bundledCodeHash({ source: { hash: A.toUpperCase().replace("0X", "0x") } })).toBe(A);
  });

  it("is undefined for metadata without a well-formed hash", () => {
    for (const m of [null, {}, { source: {} }, { source: { hash: 5 } }, { source: { hash: "0x1234" } }, { source: { hash: "ab".repeat(32) } }]) {
      expect(bundledCodeHash(m)).toBeUndefined();
    }
  });
});

describe("codeHashProblems", () => {
  it("is empty when every address runs the bundled code, whatever the case", () => {
    expect(codeHashProblems([
      { name: "pool", address: "5Pool", expected: A, onChain: A.toUpperCase().replace("0X", "0x") },
      { name: "base", address: "5Base", expected: B, onChain: B },
    ])).toEqual([]);
  });

  it("names each address that runs other code, holds none, or cannot be checked", () => {
    expect(codeHashProblems([
      { name: "pool", address: "5Pool", expected: A, onChain: B },
      { name: "oracle", address: "5Oracle", expected: A, onChain: null },
      { name: "quote", address: "5Quote", expected: undefined, onChain: A },
      { name: "base", address: "5Base", expected: A, onChain: A },
    ])).toEqual([
      "pool (5Pool) runs code 0xcdcdcdcd…, not the 0xabababab… this app was built for.",
      "There is no contract at oracle (5Oracle) on this chain.",
      "The app's metadata for quote has no code hash to check quote (5Quote) against.",
    ]);
  });
});

describe("signingProblems", () => {
  const token: CodeCheck = { name: "keel_token", address: "5Base", expected: A, onChain: A };
  const pool: CodeCheck = { name: "keel_pool", address: "5Pool", expected: B, onChain: B };

  it("is empty when the contract called and the spender run the bundled code", () => {
    expect(signingProblems("psp22Approve", "5Pool", [token, pool])).toEqual([]);
    expect(signingProblems("swapExactIn", "5Base", [pool])).toEqual([]);
  });

  it("refuses when the contract called changed its code", () => {
    expect(signingProblems("swapExactIn", "5Base", [{ ...pool, onChain: A }])).toEqual([
      "keel_pool (5Pool) runs code 0xabababab…, not the 0xcdcdcdcd… this app was built for.",
    ]);
    expect(signingProblems("swapExactIn", "5Base", [{ ...pool, onChain: null }])).toHaveLength(1);
  });

  it("refuses an allowance for a spender that changed its code", () => {
    expect(signingProblems("psp22Approve", "5Pool", [token, { ...pool, onChain: A }])).toEqual([
      "keel_pool (5Pool) runs code 0xabababab…, not the 0xcdcdcdcd… this app was built for.",
    ]);
  });

  it("refuses an allowance for a spender whose code was not checked", () => {
    for (const message of GRANTS_TO_SPENDER) {
      expect(signingProblems(message, "5Pool", [token])).toEqual([
        `${message} would give 5Pool the right to move your tokens, and the app has no code hash to check it against.`,
      ]);
    }
    expect(signingProblems("psp22IncreaseAllowance", "5Other", [token, pool])).toHaveLength(1);
    expect(signingProblems("psp22Approve", undefined, [token, pool])).toHaveLength(1);
  });

  it("grants no spender for other messages", () => {
    expect(signingProblems("psp22Transfer", "5Anyone", [token])).toEqual([]);
    expect(signingProblems("psp22DecreaseAllowance", "5Anyone", [token])).toEqual([]);
  });
});
