import { describe, expect, it } from "vitest";
import { describeTokenError } from "./errors";
import { declinedInWallet, describeSent, withApprovalsLeft } from "./outcome";

describe("describeSent", () => {
  it("names the block of a landed transaction", () => {
    expect(describeSent({ block: "0x1234567890abcdef" }, "Swapped")).toBe("Swapped in block 0x12345678…");
  });

  it("says nothing was signed when the app refused before the wallet", () => {
    expect(describeSent({ notSent: "The node asks too much gas.", signed: false }, "Swapped")).toBe("The node asks too much gas. Nothing was signed.");
  });

  it("says a signed transaction was discarded when the app refused after the wallet", () => {
    const text = describeSent({ notSent: "The pool's code changed.", signed: true }, "Swapped");
    expect(text).toBe("The pool's code changed. The signed transaction was discarded, not sent.");
    expect(text).not.toMatch(/Nothing was signed/);
  });

  it("words refusals and failures", () => {
    expect(describeSent({ refused: "SlippageExceeded" }, "Swapped")).toMatch(/slippage tolerance/);
    expect(describeSent({ failed: "Cancelled" }, "Swapped")).toBe("The transaction failed: Cancelled");
  });

  it("words a token's refusal as the token's, not the pool's", () => {
    expect(describeSent({ refused: { type: "Custom", value: "Paused" } }, "Approved", describeTokenError)).toBe("The token refused: Custom.");
    expect(describeSent({ refused: "InsufficientBalance" }, "Approved", describeTokenError)).toBe("Your balance is too low for this.");
  });
});

describe("a signature declined in the wallet", () => {
  it("is recognised from the extensions' own words", () => {
    for (const e of [new Error("Cancelled"), new Error("Rejected by user"), "User rejected the request", new Error("Cancelled by user.")]) {
      expect(declinedInWallet(e)).toBe(true);
    }
  });

  it("is not any failure of the wallet", () => {
    expect(declinedInWallet(new Error("Unable to retrieve keypair"))).toBe(false);
    expect(declinedInWallet(new Error("Access to the account was denied"))).toBe(false);
    expect(declinedInWallet(new Error("The origin has not been authorised: rejected"))).toBe(false);
    expect(declinedInWallet(new Error("1010: Invalid Transaction: Inability to pay some fees"))).toBe(false);
  });

  it("says nothing was sent", () => {
    expect(describeSent({ declined: true }, "Swapped")).toBe("You declined to sign in your wallet: nothing was sent.");
  });
});

describe("withApprovalsLeft", () => {
  const declined = describeSent({ declined: true }, "Swapped");

  it("leaves a flow that approved nothing as it was", () => {
    expect(withApprovalsLeft(declined, [])).toBe(declined);
  });

  it("tells of each approval that landed before the write did not", () => {
    expect(withApprovalsLeft(declined, ["7 BASE"])).toBe(`${declined} The approval sent before it stays: the pool may move up to 7 BASE of yours until that is spent or you approve 0.`);
    expect(withApprovalsLeft("The transaction failed: timeout", ["7 BASE", "21 QUOTE"])).toMatch(/approvals sent before it stay: the pool may move up to 7 BASE and 21 QUOTE of yours/);
  });
});
