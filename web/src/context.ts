// What every page is given: the open connection, the chosen account and the trader's limits.

import type { Account } from "./accounts";
import type { Keel } from "./pool";

export interface Settings {
  toleranceBps: number;
  deadlineMinutes: number;
}

export interface Ctx {
  keel: Keel;
  account(): Account | undefined;
  settings: Settings;
}

/** A page: its element, and a refresh the app calls on every new block and after each action. */
export interface Page {
  el: HTMLElement;
  refresh(): Promise<void>;
}
