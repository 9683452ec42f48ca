// What every page is given: the open connection, the chosen account and the trader's limits.

import type { Account } from "./accounts";
import type { EventLog } from "./events";
import type { InFlight } from "./lib/inflight";
import type { Keel } from "./pool";

export interface Settings {
  toleranceBps: number;
  deadlineMinutes: number;
  /** Swaps above 15% price impact ask for a typed confirmation instead of being blocked. */
  expert: boolean;
}

export interface Ctx {
  keel: Keel;
  account(): Account | undefined;
  settings: Settings;
  /** The pool's events since the deployment, shared by the pages. */
  log: EventLog;
  /** Unreported transactions, remembered across reloads and tabs: no account signs again meanwhile. */
  inFlight: InFlight;
}

/** A page: its element, and a refresh the app calls on every new block and after each action. */
export interface Page {
  el: HTMLElement;
  refresh(): Promise<void>;
}
