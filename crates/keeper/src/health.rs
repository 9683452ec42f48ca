//! A bot's `/healthz`: the last round's verdict, and whether the loop still moves. Shared by the
//! keeper and the reporter, whose endpoints (`metrics::serve_bot`) answer it.

use crate::metrics::Reply;
use crate::spending::ledger_ms;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// How long past its pause between passes or rounds a bot's loop may go without moving before
/// `/healthz` calls it hung (ms): longer than one pool's longest step (about 282 s at the
/// keeper's defaults, the node reachable) or a reporter's round.
pub const PATIENCE_MS: u64 = 600_000;

/// A bot's `/healthz` state: the last round's verdict, when the last healthy one was (ms) and
/// the node's head, shared between the bot's loop and its endpoint; and when the loop last moved,
/// so a loop hung in a call stops answering ready.
#[derive(Debug, Default)]
pub struct Health {
    ready: AtomicBool,
    last_success_ms: AtomicU64,
    head: AtomicU64,
    /// When the loop last finished a round or a step of one, on [`ledger_ms`]'s clock, which
    /// never steps (a wall clock stepped forward would read as a hung loop).
    moved_ms: AtomicU64,
    /// How long the loop may go without moving and still be ready (ms); 0: for ever.
    patience_ms: AtomicU64,
}

impl Health {
    /// Records a round at `now_ms`: `ready` or not, and the node's `head` when it was read.
    pub fn record(&self, ready: bool, now_ms: u64, head: Option<u64>) {
        self.ready.store(ready, Ordering::Relaxed);
        self.moved_at(ledger_ms());
        if ready {
            self.last_success_ms.store(now_ms, Ordering::Relaxed);
        }
        if let Some(h) = head {
            self.head.store(h, Ordering::Relaxed);
        }
    }

    /// Records that the loop finished a step of a round now (a keeper's pool).
    pub fn moved(&self) {
        self.moved_at(ledger_ms());
    }

    /// As [`Health::moved`], at `clock_ms` on [`ledger_ms`]'s clock.
    pub fn moved_at(&self, clock_ms: u64) {
        self.moved_ms.store(clock_ms, Ordering::Relaxed);
    }

    /// Stops answering ready once the loop has not moved for `patience_ms` (0: never).
    pub fn set_patience(&self, patience_ms: u64) {
        self.patience_ms.store(patience_ms, Ordering::Relaxed);
    }

    /// 200 when the last round was ready and the loop has moved within its patience, 503
    /// otherwise, with the last healthy round's time and the head.
    pub fn reply(&self) -> Reply {
        self.reply_at(ledger_ms())
    }

    /// As [`Health::reply`], at `clock_ms` on [`ledger_ms`]'s clock.
    pub fn reply_at(&self, clock_ms: u64) -> Reply {
        let patience = self.patience_ms.load(Ordering::Relaxed);
        let stalled =
            patience > 0 && clock_ms.saturating_sub(self.moved_ms.load(Ordering::Relaxed)) > patience;
        let ready = self.ready.load(Ordering::Relaxed) && !stalled;
        Reply {
            status: if ready { 200 } else { 503 },
            content_type: "application/json",
            body: format!(
                "{{\"ready\":{ready},\"last_success_ms\":{},\"head\":{}}}",
                self.last_success_ms.load(Ordering::Relaxed),
                self.head.load(Ordering::Relaxed)
            ),
        }
    }
}
