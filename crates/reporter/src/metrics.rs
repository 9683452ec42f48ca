//! Prometheus metrics and `/healthz`, served on a loopback address only (the keeper's server).
//!
//! Per reporter: rounds by outcome, submissions by trigger, sources dropped by source and kind,
//! the last submitted price and volatility, sources agreeing, the last success and the node's
//! head, reconnections to the node, the signer's balance and whether it is below its floor.

use crate::combine::Drop;
use crate::service::{Action, Round};
use keel_core::fixed::to_f64;
use keel_keeper::health::Health;
use keel_keeper::metrics::{serve_bot, Reply, ServeError};
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

type Labels = Vec<(&'static str, String)>;

/// A round's outcome as a metric label.
pub fn outcome(action: &Action) -> &'static str {
    match action {
        Action::BackingOff { .. } => "backing_off",
        Action::Unreachable(_) => "unreachable",
        Action::Held => "held",
        Action::WouldSubmit(..) => "would_submit",
        Action::Landed { .. } => "landed",
        Action::Refused { .. } => "refused",
        Action::Failed(_) => "failed",
    }
}

pub struct Metrics {
    registry: Registry,
    rounds: Family<Labels, Counter>,
    submissions: Family<Labels, Counter>,
    dropped: Family<Labels, Counter>,
    price: Gauge<f64, AtomicU64>,
    volatility: Gauge<f64, AtomicU64>,
    agreeing: Gauge,
    last_success: Gauge,
    head: Gauge,
    reconnects: Counter,
    balance: Gauge<f64, AtomicU64>,
    low_balance: Gauge,
    health: Health,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("keel_reporter");
        let m = Metrics {
            registry: Registry::default(),
            rounds: Family::default(),
            submissions: Family::default(),
            dropped: Family::default(),
            price: Gauge::default(),
            volatility: Gauge::default(),
            agreeing: Gauge::default(),
            last_success: Gauge::default(),
            head: Gauge::default(),
            reconnects: Counter::default(),
            balance: Gauge::default(),
            low_balance: Gauge::default(),
            health: Health::default(),
        };
        registry.register("rounds", "Rounds by outcome", m.rounds.clone());
        registry.register(
            "submissions",
            "Readings included on chain, by trigger",
            m.submissions.clone(),
        );
        registry.register(
            "source_drops",
            "Sources left out of a round's median, by source and kind (failed, stale, outlier)",
            m.dropped.clone(),
        );
        registry.register(
            "price",
            "Last price included on chain (quote per base)",
            m.price.clone(),
        );
        registry.register(
            "volatility",
            "Volatility the reporter submits now (fraction)",
            m.volatility.clone(),
        );
        registry.register(
            "sources_agreeing",
            "Sources behind the last round's median",
            m.agreeing.clone(),
        );
        registry.register(
            "last_success_timestamp_seconds",
            "When a round was last healthy (as /healthz: the chain read, enough sources agreeing, nothing refused or failed, this key's reading within the feed's expiry)",
            m.last_success.clone(),
        );
        registry.register("head", "The node's best block at the last round", m.head.clone());
        registry.register(
            "reconnects",
            "Connections to the node made again after it went away",
            m.reconnects.clone(),
        );
        registry.register(
            "balance",
            "The signing account's free balance (native units)",
            m.balance.clone(),
        );
        registry.register(
            "low_balance",
            "1 while the signer's balance is below node.min_balance",
            m.low_balance.clone(),
        );
        Metrics { registry, ..m }
    }

    /// Records `round`, made at `now_ms`; `names` are the sources'.
    pub fn observe(&self, round: &Round, names: &[String], now_ms: u64) {
        let label = outcome(&round.action);
        self.rounds
            .get_or_create(&vec![("outcome", label.to_owned())])
            .inc();
        self.volatility.set(to_f64(round.volatility));
        if let Some(o) = &round.outcome {
            for (i, drop) in &o.dropped {
                let source = names.get(*i).cloned().unwrap_or_default();
                let labels = vec![("source", source), ("kind", Drop::label(drop).to_owned())];
                self.dropped.get_or_create(&labels).inc();
            }
            let agreeing = o.reading.map_or(0, |r| r.sources);
            self.agreeing.set(i64::try_from(agreeing).unwrap_or(i64::MAX));
        }
        if let Action::Landed {
            submission, trigger, ..
        } = &round.action
        {
            self.price.set(to_f64(submission.price));
            let labels = vec![("trigger", trigger.label().to_owned())];
            self.submissions.get_or_create(&labels).inc();
        }
        let healthy = round.healthy();
        let head = round.head.map(|h| h.number);
        self.health.record(healthy, now_ms, head);
        if healthy {
            self.last_success
                .set(i64::try_from(now_ms / 1_000).unwrap_or(i64::MAX));
        }
        if let Some(h) = head {
            self.head.set(i64::try_from(h).unwrap_or(i64::MAX));
        }
    }

    /// The signer's free balance (native units) against the operator's floor.
    pub fn balance(&self, balance: u128, min_balance: u128) {
        self.balance.set(balance as f64);
        self.low_balance.set(i64::from(balance < min_balance));
    }

    pub fn reconnected(&self, total: u64) {
        let seen = self.reconnects.get();
        if total > seen {
            self.reconnects.inc_by(total.saturating_sub(seen));
        }
    }

    /// The metrics in Prometheus' text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }

    /// `/healthz`: 200 when the last round reached the chain, enough sources agreed, the oracle
    /// refused nothing, its submission (if any) did not fail and this key's reading on chain is
    /// within the feed's expiry; 503 otherwise. The body says when the last healthy round was and the node's head.
    pub fn health(&self) -> Reply {
        self.health.reply()
    }

    /// Stops `/healthz` answering ready once no round has ended for `patience_ms`.
    pub fn set_patience(&self, patience_ms: u64) {
        self.health.set_patience(patience_ms);
    }
}

/// Serves `/healthz` and `/metrics`.
///
/// # Errors
/// As [`keel_keeper::metrics::serve_routes`].
pub fn serve(metrics: Arc<Metrics>, addr: SocketAddr) -> Result<SocketAddr, ServeError> {
    let both = metrics.clone();
    serve_bot(addr, move || both.health(), move || metrics.render())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::Submission;
    use crate::combine::{Outcome, Reading, TooFew};
    use crate::policy::Trigger;
    use keel_core::ONE;
    use std::io::{Read, Write};

    fn round(action: Action, reading: Result<Reading, TooFew>, head: u64) -> Round {
        Round {
            errors: Vec::new(),
            outcome: Some(Outcome {
                reading,
                dropped: vec![(1, Drop::Outlier { off_bps: 2_000 })],
            }),
            decision: None,
            head: Some(crate::chain::Head {
                number: head,
                time_ms: 0,
            }),
            on_chain_fresh: Some(true),
            volatility: ONE / 2,
            action,
        }
    }

    fn get(addr: SocketAddr, path: &str) -> String {
        let mut s = std::net::TcpStream::connect(addr).expect("connect");
        s.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .expect("send");
        let mut out = String::new();
        s.read_to_string(&mut out).expect("read");
        out
    }

    #[test]
    fn rounds_drops_and_submissions_are_counted_and_health_follows_the_last_round() {
        let m = Arc::new(Metrics::new());
        let addr = serve(m.clone(), "127.0.0.1:0".parse().expect("addr")).expect("serve");
        assert!(
            get(addr, "/healthz").starts_with("HTTP/1.1 503"),
            "not ready before a round"
        );

        let reading = Reading {
            price: 10 * ONE,
            observed_ms: 5_000,
            sources: 2,
        };
        let submission = Submission {
            feed: 1,
            price: 10 * ONE,
            volatility: ONE / 2,
            observed_ms: 5_000,
            expires_ms: 65_000,
            judged_ms: 6_000,
        };
        let names = ["a".to_owned(), "liar".to_owned()];
        m.observe(
            &round(
                Action::Landed {
                    submission,
                    trigger: Trigger::First,
                    block: 3,
                },
                Ok(reading),
                3,
            ),
            &names,
            6_000,
        );
        m.balance(5, 10);
        let health = get(addr, "/healthz");
        assert!(
            health.starts_with("HTTP/1.1 200")
                && health.ends_with("{\"ready\":true,\"last_success_ms\":6000,\"head\":3}"),
            "{health}"
        );
        let text = get(addr, "/metrics");
        for line in [
            "keel_reporter_rounds_total{outcome=\"landed\"} 1",
            "keel_reporter_submissions_total{trigger=\"first\"} 1",
            "keel_reporter_source_drops_total{source=\"liar\",kind=\"outlier\"} 1",
            "keel_reporter_price 10.0",
            "keel_reporter_sources_agreeing 2",
            "keel_reporter_head 3",
            "keel_reporter_low_balance 1",
        ] {
            assert!(text.contains(line), "{line} missing from\n{text}");
        }

        m.observe(
            &round(Action::Held, Err(TooFew { agreed: 1, needed: 2 }), 4),
            &names,
            12_000,
        );
        assert!(get(addr, "/healthz").contains("\"ready\":false,\"last_success_ms\":6000,\"head\":4"));
        // A refusal, or a reading on chain past the feed's expiry, is not healthy either.
        let refused = Action::Refused {
            error: keel_core::oracle::OracleError::NotReporter,
            words: "",
        };
        m.observe(&round(refused, Ok(reading), 5), &names, 18_000);
        assert!(get(addr, "/healthz").starts_with("HTTP/1.1 503"));
        let mut stale = round(Action::Held, Ok(reading), 6);
        stale.on_chain_fresh = Some(false);
        m.observe(&stale, &names, 24_000);
        assert!(get(addr, "/healthz").starts_with("HTTP/1.1 503"));
        m.observe(&round(Action::Held, Ok(reading), 7), &names, 30_000);
        assert!(get(addr, "/healthz?probe").starts_with("HTTP/1.1 200"));
        assert!(get(addr, "/nothing").starts_with("HTTP/1.1 404"));
    }
}
