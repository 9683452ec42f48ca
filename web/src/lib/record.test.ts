import { describe, expect, it } from "vitest";
import { AccountId32 } from "dedot/codecs";
import { isDevChain, ss58Contracts, tokenProblems } from "./record";

const ALICE = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const BOB = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

describe("ss58Contracts", () => {
  it("spells every address with prefix 42, whatever prefix the record used", () => {
    const polkadot = (a: string) => new AccountId32(a).address(0);
    expect(polkadot(ALICE)).not.toBe(ALICE);
    const record = { base: polkadot(ALICE), quote: BOB, oracle: polkadot(BOB), venue: ALICE, pool: polkadot(ALICE) };
    expect(ss58Contracts(record)).toEqual({ base: ALICE, quote: BOB, oracle: BOB, venue: ALICE, pool: ALICE });
    expect(ss58Contracts({ ...record, mirror: polkadot(BOB) }).mirror).toBe(BOB);
  });

  it("refuses a record whose address is not one", () => {
    expect(() => ss58Contracts({ base: "nonsense", quote: BOB, oracle: BOB, venue: BOB, pool: BOB })).toThrow();
  });
});

describe("isDevChain", () => {
  it("is the node's chain type, Development or Local, not its name", () => {
    expect(isDevChain("Development")).toBe(true);
    expect(isDevChain("Local")).toBe(true);
    expect(isDevChain("Live")).toBe(false);
    expect(isDevChain({ CustomChain: "Development" })).toBe(false);
    expect(isDevChain(undefined)).toBe(false);
  });
});

describe("tokenProblems", () => {
  it("accepts a pool that trades the record's base and quote", () => {
    expect(tokenProblems([ALICE, BOB], { base: ALICE, quote: BOB })).toEqual([]);
  });

  it("names each token the pool trades that is not the record's, swapped ones included", () => {
    expect(tokenProblems([BOB, ALICE], { base: ALICE, quote: BOB })).toHaveLength(2);
    expect(tokenProblems([ALICE, ALICE], { base: ALICE, quote: BOB })).toEqual([`The pool's quote token is ${ALICE}, not the record's (${BOB}).`]);
  });
});
