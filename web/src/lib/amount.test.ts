import { describe, expect, it } from "vitest";
import { AmountError, U128_MAX, formatAmount, formatAmountUp, formatBps, formatFee, formatSigned, parseAmount, plainAmount } from "./amount";

const E18 = 10n ** 18n;
const SEPARATORS = "Use one decimal separator and no thousands separators: write 1234.5, not 1,234.5.";

describe("parseAmount", () => {
  it("reads whole numbers and fractions exactly", () => {
    expect(parseAmount("1", 18)).toBe(E18);
    expect(parseAmount(" 1.5 ", 18)).toBe(15n * 10n ** 17n);
    expect(parseAmount("0.000000000000000001", 18)).toBe(1n);
    expect(parseAmount("1234.5", 18)).toBe(12345n * 10n ** 17n);
    expect(parseAmount(".25", 2)).toBe(25n);
    expect(parseAmount("7.", 2)).toBe(700n);
    expect(parseAmount("123456789012345678901.123456789012345678", 18)).toBe(123456789012345678901123456789012345678n);
    expect(parseAmount("42", 0)).toBe(42n);
  });

  it("always reads a point as the decimal separator: \"1.000\" is one token, not a thousand", () => {
    expect(parseAmount("1.000", 18)).toBe(E18);
    expect(parseAmount("1.000", 3)).toBe(1_000n);
    expect(parseAmount("1.000", 3)).toBe(parseAmount("1", 3));
    expect(parseAmount("1.000", 3)).not.toBe(parseAmount("1000", 3));
    expect(parseAmount("999.000", 6)).toBe(999_000_000n);
  });

  it("reads a lone comma as the decimal separator when it cannot mean thousands", () => {
    expect(parseAmount("1,5", 18)).toBe(15n * 10n ** 17n);
    expect(parseAmount("1,5", 6)).not.toBe(15_000_000n);
    expect(parseAmount("12,50", 2)).toBe(1250n);
    expect(parseAmount("0,125", 6)).toBe(125_000n);
    expect(parseAmount(",5", 1)).toBe(5n);
    expect(parseAmount("1234,567", 3)).toBe(1_234_567n);
    expect(parseAmount("1,2345", 4)).toBe(12_345n);
  });

  it("refuses a comma that could be either separator, naming both readings", () => {
    expect(() => parseAmount("1,234", 18)).toThrow(new AmountError('"1,234" could mean 1234 or 1.234: write 1234 or 1.234.'));
    expect(() => parseAmount("999,000", 18)).toThrow(AmountError);
  });

  it("refuses what the chain cannot take, with a message a person can act on", () => {
    for (const [input, message] of [
      ["", "Enter an amount."],
      ["   ", "Enter an amount."],
      ["-1", "The amount cannot be negative."],
      ["−1", "The amount cannot be negative."],
      ["abc", '"abc" is not a number.'],
      ["+1", '"+1" is not a number.'],
      ["0x10", '"0x10" is not a number.'],
      [".", '"." is not a number.'],
      [",", '"," is not a number.'],
      ["1.2.3", SEPARATORS],
      ["1,234.5", SEPARATORS],
      ["1.234,5", SEPARATORS],
      ["1,234,567", SEPARATORS],
      ["1_000", SEPARATORS],
      ["1'000", SEPARATORS],
      ["1 000", "Remove the spaces inside the amount."],
      ["1\u00a0000", "Remove the spaces inside the amount."],
      ["1\u202f000", "Remove the spaces inside the amount."],
      ["1e18", "Write the amount in full, without an exponent (e)."],
      ["1.5E-3", "Write the amount in full, without an exponent (e)."],
      ["0.0000000000000000001", "At most 18 digits after the decimal point."],
      ["0,0000000000000000001", "At most 18 digits after the decimal point."],
      ["340282366920938463463.374607431768211456", "The amount is larger than a token can hold."],
    ]) {
      expect(() => parseAmount(input, 18), input).toThrow(new AmountError(message));
    }
    expect(() => parseAmount("1.5", 0)).toThrow(new AmountError("This token has no decimals: enter a whole number."));
    expect(() => parseAmount("1.123", 2)).toThrow(new AmountError("At most 2 digits after the decimal point."));
  });

  it("takes the largest u128 and nothing above", () => {
    expect(parseAmount(U128_MAX.toString(), 0)).toBe(U128_MAX);
    expect(() => parseAmount((U128_MAX + 1n).toString(), 0)).toThrow(AmountError);
  });

  it("refuses decimals a token cannot have", () => {
    for (const d of [-1, 1.5, 256, NaN]) expect(() => parseAmount("1", d)).toThrow(AmountError);
  });
});

describe("formatAmountUp", () => {
  it("rounds up to the last decimal shown, and leaves what it can show whole", () => {
    expect(formatAmountUp(1_999_900_000_000_000_001n, 18)).toBe("2");
    expect(formatAmountUp(1_234_500_000_000_000_000n, 18)).toBe("1.2345");
    expect(formatAmountUp(1_234_500_000_000_000_001n, 18)).toBe("1.2346");
    expect(formatAmountUp(1n, 18)).toBe("0.0001");
    expect(formatAmountUp(0n, 18)).toBe("0");
    expect(formatAmountUp(15n, 1)).toBe("1.5");
    expect(formatAmountUp(7n, 0)).toBe("7");
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
    expect(formatAmount(1_234_567n, 6)).toBe("1.2345");
  });

  it("round-trips through plainAmount, which parseAmount accepts", () => {
    const units = parseAmount("98765.4321", 18);
    expect(formatAmount(units, 18)).toBe("98,765.4321");
    expect(plainAmount(units, 18)).toBe("98765.4321");
    expect(parseAmount(plainAmount(1_234_567_000_000_000_000_123n, 18), 18)).toBe(1_234_567_000_000_000_000_123n);
  });
});

describe("formatFee", () => {
  it("is the fee with the guard on top, the guard's part named when there is one", () => {
    expect(formatFee(1_000_000_000_000_000n, 0n)).toBe("10.00 bps");
    expect(formatFee(1_000_000_000_000_000n, 10_000_000_000_000_000n)).toBe("110.00 bps (guard 100.00 bps)");
  });
});

describe("formatBps", () => {
  it("shows a 1e18 rate in basis points", () => {
    expect(formatBps(1_240_000_000_000_000n)).toBe("12.40 bps");
    expect(formatBps(0n)).toBe("0.00 bps");
  });
});

describe("formatSigned", () => {
  it("marks a gain with a plus and leaves a loss and zero as formatAmount writes them", () => {
    expect(formatSigned(1_500_000n, 6)).toBe("+1.5");
    expect(formatSigned(-250_000n, 6)).toBe("-0.25");
    expect(formatSigned(0n, 6)).toBe("0");
  });
});
