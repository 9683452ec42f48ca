import { describe, expect, it } from "vitest";
import { bundledCodeHash, codeHashProblems } from "./codehash";

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
