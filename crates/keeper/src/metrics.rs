//! Prometheus metrics, served on a loopback address only.
//!
//! Per pool: inventory `q`, oracle age, fee, `k` (gauges), decisions by kind, submissions and
//! resubmissions, failures, landed rebalances and epochs found already done (counters), bounties
//! earned. Per keeper: reconnections to the node.

use crate::decide::{Decision, PoolView};
use keel_core::fixed::{signed_to_f64, to_f64, units_to_f64};
use keel_interface::pool::RebalanceOutcome;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

type Labels = Vec<(&'static str, String)>;
type FloatGauge = Family<Labels, Gauge<f64, AtomicU64>>;

/// The keeper's metrics registry.
pub struct Metrics {
    registry: Registry,
    q: FloatGauge,
    oracle_age_seconds: FloatGauge,
    fee_bps: FloatGauge,
    k: FloatGauge,
    decisions: Family<Labels, Counter>,
    submissions: Family<Labels, Counter>,
    resubmissions: Family<Labels, Counter>,
    already_done: Family<Labels, Counter>,
    reconnects: Counter,
    failures: Family<Labels, Counter>,
    rebalances: Family<Labels, Counter>,
    bounty: Family<Labels, Counter<f64, AtomicU64>>,
    /// Decimals of the pools' quote token.
    quote_decimals: u32,
}

impl Default for Metrics {
    /// Metrics for pools whose quote token has 18 decimals.
    fn default() -> Self {
        Self::new(18)
    }
}

impl Metrics {
    pub fn new(quote_decimals: u32) -> Self {
        let mut registry = Registry::with_prefix("keel_keeper");
        let m = Metrics {
            q: FloatGauge::default(),
            oracle_age_seconds: FloatGauge::default(),
            fee_bps: FloatGauge::default(),
            k: FloatGauge::default(),
            decisions: Family::default(),
            submissions: Family::default(),
            resubmissions: Family::default(),
            already_done: Family::default(),
            reconnects: Counter::default(),
            failures: Family::default(),
            rebalances: Family::default(),
            bounty: Family::default(),
            quote_decimals,
            registry: Registry::default(),
        };
        let gauges = [
            ("inventory_q", "Pool inventory imbalance q (fraction)", &m.q),
            (
                "oracle_age_seconds",
                "Age of the pool's oracle reading",
                &m.oracle_age_seconds,
            ),
            ("fee_bps", "Pool fee now (basis points)", &m.fee_bps),
            ("k", "Pool curve k now", &m.k),
        ];
        for (name, help, gauge) in gauges {
            registry.register(name, help, gauge.clone());
        }
        let counters = [
            ("decisions", "Decisions by kind", &m.decisions),
            ("submissions", "Rebalance transactions sent", &m.submissions),
            (
                "resubmissions",
                "Rebalance transactions sent again for an epoch after an unconfirmed attempt (on a node each resend doubles the tip, up to tip_cap)",
                &m.resubmissions,
            ),
            (
                "already_done",
                "Rebalances found done when ours was checked or ran: a competitor's landed first, or an unconfirmed attempt of ours",
                &m.already_done,
            ),
            ("failures", "Failed passes (chain errors or refusals)", &m.failures),
            ("rebalances", "Rebalances this keeper landed", &m.rebalances),
        ];
        for (name, help, counter) in counters {
            registry.register(name, help, counter.clone());
        }
        registry.register(
            "reconnects",
            "Connections to the node made again after it went away",
            m.reconnects.clone(),
        );
        registry.register(
            "bounty_tokens",
            "Bounties earned (whole quote tokens)",
            m.bounty.clone(),
        );
        Metrics { registry, ..m }
    }

    fn pool(name: &str) -> Labels {
        vec![("pool", name.to_string())]
    }

    pub fn observe(&self, pool: &str, view: &PoolView, decision: &Decision) {
        let labels = Self::pool(pool);
        if let Ok(q) = view.inventory() {
            self.q.get_or_create(&labels).set(signed_to_f64(q));
        }
        self.oracle_age_seconds
            .get_or_create(&labels)
            .set(view.market.age_ms as f64 / 1_000.0);
        self.fee_bps
            .get_or_create(&labels)
            .set(to_f64(view.market.fee) * 10_000.0);
        self.k.get_or_create(&labels).set(to_f64(view.market.k));
        let mut by_kind = labels;
        by_kind.push(("decision", decision.label().to_string()));
        self.decisions.get_or_create(&by_kind).inc();
    }

    /// A rebalance transaction sent; `resend` when this pass already sent one for the epoch.
    pub fn submitted(&self, pool: &str, resend: bool) {
        let labels = Self::pool(pool);
        self.submissions.get_or_create(&labels).inc();
        if resend {
            self.resubmissions.get_or_create(&labels).inc();
        }
    }

    pub fn beaten(&self, pool: &str) {
        self.already_done.get_or_create(&Self::pool(pool)).inc();
    }

    /// Brings the reconnection counter up to `total`, the connection's own count.
    pub fn reconnected(&self, total: u64) {
        let seen = self.reconnects.get();
        if total > seen {
            self.reconnects.inc_by(total.saturating_sub(seen));
        }
    }

    pub fn failed(&self, pool: &str) {
        self.failures.get_or_create(&Self::pool(pool)).inc();
    }

    pub fn landed(&self, pool: &str, outcome: &RebalanceOutcome) {
        let labels = Self::pool(pool);
        self.rebalances.get_or_create(&labels).inc();
        self.bounty
            .get_or_create(&labels)
            .inc_by(units_to_f64(outcome.bounty, self.quote_decimals));
    }

    /// The metrics in Prometheus' text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// Serves `/metrics` (any path, in fact) on `addr` from a background thread.
///
/// # Errors
/// Refuses any address that is not loopback: the endpoint has no authentication.
pub fn serve(metrics: Arc<Metrics>, addr: SocketAddr) -> std::io::Result<SocketAddr> {
    if !addr.ip().is_loopback() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("metrics address {addr} is not loopback; refusing to expose it"),
        ));
    }
    let listener = TcpListener::bind(addr)?;
    let bound = listener.local_addr()?;
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut stream = stream;
            // A client that connects and sends nothing must not hold the endpoint.
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let mut request = [0u8; 1024];
            let _ = stream.read(&mut request);
            let body = metrics.render();
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(body.as_bytes());
        }
    });
    Ok(bound)
}
