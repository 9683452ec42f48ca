//! Prometheus metrics, served on a loopback address only.
//!
//! Per pool: inventory `q`, oracle age, fee, `k` and the LP position's Greeks (gauges), decisions
//! by kind, submissions and resubmissions, failures, landed rebalances and epochs found already
//! done (counters), bounties earned. Per keeper: reconnections to the node.

use crate::decide::{Decision, PoolView};
use crate::health::Health;
use keel_core::fixed::{signed_to_f64, signed_units_to_f64, to_f64, units_to_f64};
use keel_core::Greeks;
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
    trigger: FloatGauge,
    delta: FloatGauge,
    delta_vs_target: FloatGauge,
    gamma_up: FloatGauge,
    gamma_down: FloatGauge,
    vega: FloatGauge,
    halted: FloatGauge,
    decisions: Family<Labels, Counter>,
    submissions: Family<Labels, Counter>,
    resubmissions: Family<Labels, Counter>,
    already_done: Family<Labels, Counter>,
    reverted: Family<Labels, Counter>,
    reconnects: Counter,
    failures: Family<Labels, Counter>,
    rebalances: Family<Labels, Counter>,
    bounty: Family<Labels, Counter<f64, AtomicU64>>,
    /// Decimals of the pools' base and quote tokens.
    base_decimals: u32,
    quote_decimals: u32,
    /// `/healthz`'s state.
    health: Health,
}

impl Default for Metrics {
    /// Metrics for pools whose tokens have 18 decimals.
    fn default() -> Self {
        Self::new(18, 18)
    }
}

impl Metrics {
    pub fn new(base_decimals: u32, quote_decimals: u32) -> Self {
        let mut registry = Registry::with_prefix("keel_keeper");
        let m = Metrics {
            q: FloatGauge::default(),
            oracle_age_seconds: FloatGauge::default(),
            fee_bps: FloatGauge::default(),
            k: FloatGauge::default(),
            trigger: FloatGauge::default(),
            delta: FloatGauge::default(),
            delta_vs_target: FloatGauge::default(),
            gamma_up: FloatGauge::default(),
            gamma_down: FloatGauge::default(),
            vega: FloatGauge::default(),
            halted: FloatGauge::default(),
            decisions: Family::default(),
            submissions: Family::default(),
            resubmissions: Family::default(),
            already_done: Family::default(),
            reverted: Family::default(),
            reconnects: Counter::default(),
            failures: Family::default(),
            rebalances: Family::default(),
            bounty: Family::default(),
            base_decimals,
            quote_decimals,
            registry: Registry::default(),
            health: Health::default(),
        };
        for (name, help, gauge) in m.gauges() {
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
            (
                "reverted",
                "Rebalance transactions of ours that landed and reverted as already done: a fee paid for nothing (alert if it keeps rising: a lying node, or a rival always first)",
                &m.reverted,
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

    /// The per-pool gauges with their names and help texts.
    fn gauges(&self) -> [(&'static str, &'static str, &FloatGauge); 11] {
        [
            ("inventory_q", "Pool inventory imbalance q (fraction)", &self.q),
            (
                "oracle_age_seconds",
                "Age of the pool's oracle reading",
                &self.oracle_age_seconds,
            ),
            ("fee_bps", "Pool fee now (basis points)", &self.fee_bps),
            ("k", "Pool curve k now", &self.k),
            (
                "trigger",
                "Rebalance trigger now: the |q| at which a rebalance is due, at the oracle's volatility (fraction; fixed unless the pool sets a rebalance cost)",
                &self.trigger,
            ),
            (
                "delta_base",
                "LP position's delta: base tokens the pool holds once arbitrage has traded it to the oracle price, its value's change per unit of price",
                &self.delta,
            ),
            (
                "delta_vs_target_base",
                "Base tokens held beyond the LPs' claim at the oracle price (negative: short base)",
                &self.delta_vs_target,
            ),
            (
                "gamma_up_base",
                "Gamma: base tokens the pool sells to arbitrage when the market rises 1% from the oracle price (0 while the fee exceeds the move)",
                &self.gamma_up,
            ),
            (
                "gamma_down_base",
                "Gamma: base tokens the pool buys from arbitrage when the market falls 1% from the oracle price",
                &self.gamma_down,
            ),
            (
                "vega_quote",
                "Vega: quote tokens more the pool keeps on a 1% move when volatility is 10 points higher (through k, taken at its new target, and the fee); absent when past the bounds",
                &self.vega,
            ),
            (
                "halted",
                "1 while the keeper refuses to sign for the pool: the node's chain, or the code at the pool or its venue, is not what it trusts (alert; restart after checking)",
                &self.halted,
            ),
        ]
    }

    fn pool(name: &str) -> Labels {
        vec![("pool", name.to_string())]
    }

    /// Sets a pool's gauges from the view a pass read.
    pub fn observe(&self, pool: &str, view: &PoolView) {
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
        match view.band() {
            Ok(band) => {
                self.trigger.get_or_create(&labels).set(to_f64(band.trigger));
            }
            Err(_) => {
                self.trigger.remove(&labels);
            }
        }
        self.greeks(&labels, view.greeks().ok());
    }

    /// Counts a pass's final decision: the one the pass acted on, after its dry-runs (a
    /// rebalance the dry-run found unprofitable counts as that skip, not as a rebalance).
    pub fn decided(&self, pool: &str, decision: &Decision) {
        let mut by_kind = Self::pool(pool);
        by_kind.push(("decision", decision.label().to_string()));
        self.decisions.get_or_create(&by_kind).inc();
    }

    /// Sets the Greeks' gauges, or drops those it cannot read (an empty pool, vega past the
    /// bounds) rather than leave an older value standing.
    fn greeks(&self, labels: &Labels, greeks: Option<Greeks>) {
        let base = |x: i128| signed_units_to_f64(x, self.base_decimals);
        let values = [
            (
                &self.delta,
                greeks.map(|g| units_to_f64(g.delta, self.base_decimals)),
            ),
            (&self.delta_vs_target, greeks.map(|g| base(g.delta_vs_target))),
            (&self.gamma_up, greeks.map(|g| base(g.gamma_up))),
            (&self.gamma_down, greeks.map(|g| base(g.gamma_down))),
            (
                &self.vega,
                greeks
                    .and_then(|g| g.vega)
                    .map(|v| signed_units_to_f64(v, self.quote_decimals)),
            ),
        ];
        for (gauge, value) in values {
            match value {
                Some(v) => {
                    gauge.get_or_create(labels).set(v);
                }
                None => {
                    gauge.remove(labels);
                }
            }
        }
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

    /// The keeper stopped signing for `pool`.
    pub fn halted(&self, pool: &str) {
        self.halted.get_or_create(&Self::pool(pool)).set(1.0);
    }

    /// A transaction of ours landed and reverted because its epoch was done first.
    pub fn reverted(&self, pool: &str) {
        self.reverted.get_or_create(&Self::pool(pool)).inc();
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

    /// Records a pass over every pool at `now_ms` (the machine's clock) with the node's `head`
    /// (`None` when it could not be read): ready when every pool was read and none failed.
    pub fn pass(&self, ok: bool, now_ms: u64, head: Option<u64>) {
        self.health.record(ok && head.is_some(), now_ms, head);
    }

    /// Records that a pool's step of a pass ended: a pass over many pools is long, and each
    /// pool's end shows the loop is not hung.
    pub fn pool_done(&self) {
        self.health.moved();
    }

    /// Stops `/healthz` answering ready once no pool's step has ended for `patience_ms`.
    pub fn set_patience(&self, patience_ms: u64) {
        self.health.set_patience(patience_ms);
    }

    /// `/healthz`: 200 when the last pass read the node and every pool without a failure and a
    /// pool's step ended within the patience, 503 otherwise; the body says when the last good
    /// pass was and the node's head.
    pub fn health(&self) -> Reply {
        self.health.reply()
    }

    /// The metrics in Prometheus' text format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = encode(&mut out, &self.registry);
        out
    }
}

/// An endpoint's answer to one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
}

impl Reply {
    /// No such endpoint.
    pub fn not_found() -> Reply {
        Reply {
            status: 404,
            content_type: "text/plain",
            body: "not found\n".to_owned(),
        }
    }

    /// Prometheus' text format.
    pub fn metrics(body: String) -> Reply {
        Reply {
            status: 200,
            content_type: "text/plain; version=0.0.4",
            body,
        }
    }
}

/// The path of an HTTP request's first line, without its query (`GET /healthz?x HTTP/1.1` is
/// `/healthz`).
pub fn request_path(request: &[u8]) -> &str {
    let line = request.split(|&b| b == b'\n').next().unwrap_or_default();
    std::str::from_utf8(line)
        .ok()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|target| target.split('?').next())
        .unwrap_or("/")
}

/// Why a bot's `/metrics` and `/healthz` endpoint does not serve.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The endpoint has no authentication: it listens on loopback only.
    #[error("metrics address {0} is not loopback; refusing to expose it")]
    NotLoopback(SocketAddr),
    #[error("cannot listen on metrics address {addr}")]
    Listen {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
}

impl ServeError {
    /// Whether only an operator mends the address, so a restart changes nothing: not loopback, a
    /// port the bot may not bind, an address the host does not have. A port in use is not among
    /// them: the instance before this one may still hold it while it stops.
    pub fn is_misconfiguration(&self) -> bool {
        match self {
            ServeError::NotLoopback(_) => true,
            ServeError::Listen { source, .. } => matches!(
                source.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::AddrNotAvailable
            ),
        }
    }
}

/// How long the endpoint pauses after failing to accept a connection (ms).
const ACCEPT_PAUSE_MS: u64 = 100;

/// Serves `route`'s answer for each request's path on `addr` from a background thread: the
/// bots' `/metrics` and `/healthz`.
///
/// # Errors
/// [`ServeError::NotLoopback`] for any address that is not loopback; [`ServeError::Listen`] when
/// the address cannot be bound.
pub fn serve_routes<F>(addr: SocketAddr, route: F) -> Result<SocketAddr, ServeError>
where
    F: Fn(&str) -> Reply + Send + 'static,
{
    if !addr.ip().is_loopback() {
        return Err(ServeError::NotLoopback(addr));
    }
    let listen = |source| ServeError::Listen { addr, source };
    let listener = TcpListener::bind(addr).map_err(listen)?;
    let bound = listener.local_addr().map_err(listen)?;
    std::thread::spawn(move || {
        let mut failing = false;
        for stream in listener.incoming() {
            let mut stream = match stream {
                Ok(stream) => stream,
                Err(e) => {
                    // A refusal that persists (out of file descriptors) would otherwise make
                    // this loop spin on a core, and log as fast: said once, then paced.
                    if !std::mem::replace(&mut failing, true) {
                        tracing::warn!(error = %e, "metrics endpoint: accepting connections fails; retrying every {ACCEPT_PAUSE_MS} ms");
                    }
                    std::thread::sleep(std::time::Duration::from_millis(ACCEPT_PAUSE_MS));
                    continue;
                }
            };
            failing = false;
            // A client that connects and sends nothing must not hold the endpoint.
            let _ = stream.set_read_timeout(Some(std::time::Duration::from_secs(2)));
            let _ = stream.set_write_timeout(Some(std::time::Duration::from_secs(2)));
            // The request line may come in pieces: read until it is complete (or 1 KiB).
            let mut request = [0u8; 1024];
            let mut read = 0;
            while read < request.len() && !request[..read].contains(&b'\n') {
                match stream.read(&mut request[read..]) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => read += n,
                }
            }
            let reply = route(request_path(&request[..read]));
            let head = format!(
                "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                reply.status,
                match reply.status {
                    200 => "OK",
                    404 => "Not Found",
                    _ => "Service Unavailable",
                },
                reply.content_type,
                reply.body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(reply.body.as_bytes());
        }
    });
    Ok(bound)
}

/// Serves a bot's `/healthz` (from `health`) and `/metrics` (from `render`) on `addr`; other
/// paths are 404.
///
/// # Errors
/// As [`serve_routes`].
pub fn serve_bot<H, M>(addr: SocketAddr, health: H, render: M) -> Result<SocketAddr, ServeError>
where
    H: Fn() -> Reply + Send + 'static,
    M: Fn() -> String + Send + 'static,
{
    serve_routes(addr, move |path| match path {
        "/healthz" => health(),
        "/metrics" | "/" => Reply::metrics(render()),
        _ => Reply::not_found(),
    })
}

/// Serves the keeper's `/healthz` and `/metrics`.
///
/// # Errors
/// As [`serve_routes`].
pub fn serve(metrics: Arc<Metrics>, addr: SocketAddr) -> Result<SocketAddr, ServeError> {
    let both = metrics.clone();
    serve_bot(addr, move || both.health(), move || metrics.render())
}
