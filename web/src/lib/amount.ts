// Token amounts as people type and read them, and as the chain counts them (integer base units).
// Parsing is exact (BigInt, no floating point). A point is always the decimal separator, as in
// every DEX front-end: "1.000" is one token, never a thousand, whatever the locale. A comma is the
// decimal separator only when it is the only separator and cannot be read as thousands ("1,5");
// a comma that could be read either way ("1,234") is refused, never guessed, and so is any
// mix of separators. Formatting truncates, so a balance is never shown larger than it is.

export class AmountError extends Error {}

/** The largest amount a PSP22 `u128` can hold. */
export const U128_MAX = (1n << 128n) - 1n;

const SEPARATORS = "Use one decimal separator and no thousands separators: write 1234.5, not 1,234.5.";

/**
 * A comma that could be a thousands separator: 1 to 3 digits not starting with a lone zero, then
 * exactly three digits ("1,234"). Such input means 1234 in one locale and 1.234 in another.
 */
const AMBIGUOUS_COMMA = /^(?:[1-9]\d{0,2}),\d{3}$/;

/**
 * Parses a typed amount into base units with `decimals` places. Accepts digits with at most one
 * decimal separator: "1.5", ".5", "7.", "1.000" (a point is always decimal: one token), and "1,5"
 * or "0,125" (a comma is the decimal separator when it is the only separator and not readable as
 * thousands). Refuses, with a message a person can
 * act on: empty input, a sign, spaces inside, thousands separators ("1,234.5", "1 234", "1_000"),
 * an ambiguous comma ("1,234"), exponents, more fractional digits than `decimals` (nothing is
 * rounded), and anything above `u128`. The result is exact and never negative.
 */
export function parseAmount(text: string, decimals: number): bigint {
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 255) {
    throw new AmountError(`The token's decimals (${decimals}) are not valid.`);
  }
  const input = text.trim();
  if (input === "") throw new AmountError("Enter an amount.");
  if (input.startsWith("-") || input.startsWith("−")) throw new AmountError("The amount cannot be negative.");
  if (/\s/.test(input)) throw new AmountError("Remove the spaces inside the amount.");
  if (/^[\d.,]*[eE][+-]?\d*$/.test(input) && /\d/.test(input)) {
    throw new AmountError("Write the amount in full, without an exponent (e).");
  }
  if (input.includes("_") || input.includes("'")) {
    throw new AmountError(SEPARATORS);
  }
  if (!/^[\d.,]+$/.test(input)) throw new AmountError(`"${input}" is not a number.`);

  const points = input.split(".").length - 1;
  const commas = input.split(",").length - 1;
  if (points + commas > 1) {
    throw new AmountError(SEPARATORS);
  }
  if (commas === 1 && AMBIGUOUS_COMMA.test(input)) {
    const plain = input.replace(",", "");
    const decimal = input.replace(",", ".");
    throw new AmountError(`"${input}" could mean ${plain} or ${decimal}: write ${plain} or ${decimal}.`);
  }

  const [whole, fraction = ""] = input.replace(",", ".").split(".");
  if (whole === "" && fraction === "") throw new AmountError(`"${input}" is not a number.`);
  if (fraction.length > decimals) {
    throw new AmountError(decimals === 0
      ? "This token has no decimals: enter a whole number."
      : `At most ${decimals} digits after the decimal point.`);
  }
  const units = BigInt(whole || "0") * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
  if (units > U128_MAX) throw new AmountError("The amount is larger than a token can hold.");
  return units;
}

/** Formats base units with thousands separators and at most `maxFraction` decimals, truncated. */
export function formatAmount(units: bigint, decimals: number, maxFraction = 4): string {
  const negative = units < 0n;
  const abs = negative ? -units : units;
  const scale = 10n ** BigInt(decimals);
  const whole = (abs / scale).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const shown = Math.min(maxFraction, decimals);
  const fraction = (abs % scale)
    .toString()
    .padStart(decimals, "0")
    .slice(0, shown)
    .replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? "." + fraction : ""}`;
}

/**
 * A non-negative amount as `formatAmount` shows it, rounded up to the last decimal shown instead
 * of truncated: for a most-paid limit, so the page never shows less than what may be taken.
 */
export function formatAmountUp(units: bigint, decimals: number, maxFraction = 4): string {
  const step = 10n ** BigInt(Math.max(0, decimals - Math.min(maxFraction, decimals)));
  return formatAmount(((units + step - 1n) / step) * step, decimals, maxFraction);
}

/** A signed amount as `formatAmount` shows it, with a "+" on a gain: "+1.5", "-0.25", "0". */
export function formatSigned(units: bigint, decimals: number): string {
  return `${units > 0n ? "+" : ""}${formatAmount(units, decimals)}`;
}

/** Base units as `parseAmount` reads them back: every decimal, no separators ("1234.5"). */
export function plainAmount(units: bigint, decimals: number): string {
  return formatAmount(units, decimals, decimals).replace(/,/g, "");
}

/** A 1e18 fixed-point value (price, k, fee, inventory) as a number, for display and charts only. */
export function fromFixed18(value: bigint): number {
  return Number(value) / 1e18;
}

/** A 1e18 fixed-point rate (a fee) in basis points, two decimals: "12.40 bps". */
export function formatBps(rate: bigint): string {
  return `${(fromFixed18(rate) * 10_000).toFixed(2)} bps`;
}

/**
 * The fee a trade pays now: the pool's fee and the guard fee on top of it (`market_status`'s `fee`
 * is before the guard), the guard's part named when there is one.
 */
export function formatFee(fee: bigint, guardFee: bigint): string {
  return guardFee === 0n ? formatBps(fee) : `${formatBps(fee + guardFee)} (guard ${formatBps(guardFee)})`;
}
