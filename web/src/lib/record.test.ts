import { describe, expect, it } from "vitest";
import { AccountId32 } from "dedot/codecs";
import { isDevChain, ss58Contracts } from "./record";

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
