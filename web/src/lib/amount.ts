// Token amounts as people type and read them, and as the chain counts them (integer base units).
// Parsing is exact (no floating point); formatting truncates, so a balance is never shown larger
// than it is.

export class AmountError extends Error {}

const DECIMAL = /^(\d*)(?:\.(\d*))?$/;

/** Parses "1,234.5" into base units with `decimals` places. Refuses what the chain cannot take. */
export function parseAmount(text: string, decimals: number): bigint {
  const cleaned = text.trim().replace(/[,_\s]/g, "");
  if (cleaned === "") throw new AmountError("Enter an amount.");
  if (cleaned.startsWith("-")) throw new AmountError("The amount cannot be negative.");
  const m = DECIMAL.exec(cleaned);
  if (!m || (m[1] === "" && (m[2] ?? "") === "")) {
    throw new AmountError(`"${text.trim()}" is not a number.`);
  }
  const whole = m[1] || "0";
  const fraction = m[2] ?? "";
  if (fraction.length > decimals) {
    throw new AmountError(`At most ${decimals} digits after the decimal point.`);
  }
  return BigInt(whole) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
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

/** A 1e18 fixed-point value (price, k, fee, inventory) as a number, for display and charts only. */
export function fromFixed18(value: bigint): number {
  return Number(value) / 1e18;
}

/** A 1e18 fixed-point rate (a fee) in basis points, two decimals: "12.40 bps". */
export function formatBps(rate: bigint): string {
  return `${(fromFixed18(rate) * 10_000).toFixed(2)} bps`;
}
