// Plain words for every refusal a Keel pool can give, as the chain client decodes it: dedot's
// `{ type: "Curve", value: { type: "PriceBandExceeded" } }`, or a bare variant ("SlippageExceeded")
// or a variant keyed by name ({ Curve: "PriceBandExceeded" }).

const POOL: Record<string, string> = {
  NotOwner: "Only the pool's owner may do this.",
  Paused: "The pool is paused: swaps, deposits and rebalances are stopped. Withdrawals still work.",
  Expired: "The transaction arrived after its deadline. Try again, or allow more time.",
  ZeroAmount: "Enter an amount greater than zero.",
  UnknownToken: "That token is not traded by this pool.",
  NoLiquidity: "The pool has no liquidity yet.",
  SlippageExceeded: "The price moved beyond your slippage tolerance; nothing was traded.",
  MinSharesNotMet: "The deposit would mint fewer shares than your limit; nothing was deposited.",
  MinAmountsNotMet: "The withdrawal would pay less than your limits; nothing was withdrawn.",
  InsufficientShares: "You hold fewer pool shares than that.",
  OracleStale: "The price feed is out of date, so the pool is not quoting. It resumes with the next oracle update.",
  OracleInvalid: "The price feed reported a value the pool does not accept.",
  OracleCallFailed: "The pool could not read its price feed.",
  InvalidConfig: "That configuration is outside the pool's bounds.",
  TokenCallFailed: "A token transfer failed.",
  RebalanceNotDue: "The pool's inventory is within its band; no rebalance is due.",
  RebalanceCooldown: "The pool rebalanced recently; the next one must wait for its cooldown.",
  StaleEpoch: "Someone else rebalanced first.",
  NoVenue: "The pool has no venue to rebalance on.",
  VenueCallFailed: "The call to the rebalancing venue failed.",
  IdenticalTokens: "A pool needs two different tokens.",
  InvalidRecipient: "That recipient cannot receive from the pool (the pool itself, or the zero account).",
  NotPendingOwner: "Only the account the pool was offered to may accept it.",
  IncompatibleUpgrade: "That code cannot take over this pool's storage; the upgrade is refused.",
  InvalidSplit: "That split rebalance names no venue, a venue twice, one the pool does not list, or a leg of nothing.",
  SplitTooLarge: "That split rebalance sells more than a venue's cap or the pool's excess.",
  SplitTooSmall: "That split rebalance sells less than a plain rebalance would.",
  CostlierSplit: "That split rebalance would sell for less than the pool's cheapest venues allow.",
};

const CURVE: Record<string, string> = {
  PriceBandExceeded: "This trade would move the pool's price beyond its band around the oracle. Try a smaller amount.",
  InventoryLimitExceeded: "This trade would leave the pool holding too much of one token (its inventory bound). Try a smaller amount.",
  InsufficientLiquidity: "The pool cannot pay that much. Try a smaller amount.",
  ZeroOutput: "The amount is too small to pay out anything.",
  ReserveLimitExceeded: "The amount is larger than the pool can hold.",
  Overflow: "The amount is too large for the pool to price. Try a smaller amount.",
  ZeroAmount: "The amount is zero, or too small to mint a pool share. Enter a larger amount.",
  DivisionByZero: "The pool cannot price this against an empty reserve.",
  InvalidPrice: "The price feed reported a value the pool does not accept.",
  InvalidParameter: "That configuration is outside the pool's bounds.",
};

const ORACLE: Record<string, string> = {
  UnknownFeed: "The pool's price feed has no answer for this pair yet (or its mirror was retired), so the pool is not quoting.",
  PriceOutOfBounds: "The price feed's value is outside the bounds it accepts.",
};

const TOKEN: Record<string, string> = {
  InsufficientBalance: "Your balance is too low for this.",
  InsufficientAllowance: "The pool is not approved to move that much of your token.",
};

function variant(value: unknown): [string, unknown] | undefined {
  if (typeof value === "string") return [capitalise(value), undefined];
  if (value && typeof value === "object" && typeof (value as { type?: unknown }).type === "string") {
    const v = value as { type: string; value?: unknown };
    return [capitalise(v.type), v.value];
  }
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1) return [capitalise(entries[0][0]), entries[0][1]];
  }
  return undefined;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** A sentence for a pool error, whatever its shape; never empty. */
export function describePoolError(error: unknown): string {
  const v = variant(error);
  if (!v) return "The pool refused the transaction.";
  const [name, inner] = v;
  const innerName = variant(inner)?.[0];
  if (name === "Curve" && innerName) return CURVE[innerName] ?? `The pool's curve refused: ${innerName}.`;
  if (name === "Token" && innerName) return TOKEN[innerName] ?? `The token refused: ${innerName}.`;
  if (name === "Venue" && innerName) return `The rebalancing venue refused: ${innerName}.`;
  if (name === "Oracle" && innerName) return ORACLE[innerName] ?? `The price feed refused: ${innerName}.`;
  return POOL[name] ?? `The pool refused: ${name}.`;
}

/**
 * Whether a dry-run's pool `error` is only the missing approval: the pool checks everything else
 * (pause, deadline, price, limits) before it pulls a token, so a write refused for its allowance
 * alone goes through once the approval lands.
 */
export function waitsOnApproval(error: unknown): boolean {
  const v = variant(error);
  return v !== undefined && v[0] === "Token" && variant(v[1])?.[0] === "InsufficientAllowance";
}

/** A sentence for a token's own refusal (a PSP22 error, as an approval meets one); never empty. */
export function describeTokenError(error: unknown): string {
  const name = variant(error)?.[0];
  if (!name) return "The token refused the transaction.";
  return TOKEN[name] ?? `The token refused: ${name}.`;
}

/** What went wrong, from anything thrown: an Error's message, or the value itself as text. */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
