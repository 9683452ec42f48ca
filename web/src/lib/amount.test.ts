import { describe, expect, it } from "vitest";
import { AmountError, formatAmount, formatBps, parseAmount } from "./amount";

const E18 = 10n ** 18n;

describe("parseAmount", () => {
  it("reads whole numbers, fractions and separators exactly", () => {
    expect(parseAmount("1", 18)).toBe(E18);
    expect(parseAmount(" 1.5 ", 18)).toBe(15n * 10n ** 17n);
    expect(parseAmount("0.000000000000000001", 18)).toBe(1n);
    expect(parseAmount("1,234.5", 18)).toBe(12345n * 10n ** 17n);
    expect(parseAmount(".25", 2)).toBe(25n);
    expect(parseAmount("7.", 2)).toBe(700n);
  });

  it("refuses what the chain cannot take, with a message a person can act on", () => {
    for (const [input, message] of [
      ["", "Enter an amount."],
      ["-1", "The amount cannot be negative."],
      ["abc", '"abc" is not a number.'],
      ["1.2.3", '"1.2.3" is not a number.'],
      [".", '"." is not a number.'],
      ["0.0000000000000000001", "At most 18 digits after the decimal point."],
    ]) {
      expect(() => parseAmount(input, 18)).toThrow(new AmountError(message));
    }
  });
});

describe("formatAmount", () => {
  it("groups thousands and truncates rather than rounds up", () => {
    expect(formatAmount(1_234_567_890_000_000_000_000n, 18)).toBe("1,234.5678");
    expect(formatAmount(1_999_999_999_999_999_999n, 18)).toBe("1.9999");
    expect(formatAmount(0n, 18)).toBe("0");
    expect(formatAmount(5n * 10n ** 17n, 18, 2)).toBe("0.5");
    expect(formatAmount(-25n * 10n ** 17n, 18)).toBe("-2.5");
    expect(formatAmount(1n, 18)).toBe("0");
  });

  it("round-trips what it shows", () => {
    const units = parseAmount("98,765.4321", 18);
    expect(formatAmount(units, 18)).toBe("98,765.4321");
  });
});

describe("formatBps", () => {
  it("shows a 1e18 rate in basis points", () => {
    expect(formatBps(1_240_000_000_000_000n)).toBe("12.40 bps");
    expect(formatBps(0n)).toBe("0.00 bps");
  });
});
