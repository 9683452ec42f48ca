//! The metrics endpoint: served on loopback, refused elsewhere, Prometheus text out, and
//! `/healthz` following the last pass.

mod common;

use keel_core::ONE;
use keel_keeper::metrics::{serve, Metrics, ServeError};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::Arc;

#[test]
fn metrics_are_served_on_loopback_in_prometheus_text() {
    let metrics = Arc::new(Metrics::default());
    metrics.submitted("BASE/QUOTE", false);
    metrics.failed("BASE/QUOTE");
    metrics.reconnected(2);
    metrics.reconnected(2);
    metrics.reconnected(3);
    let addr = serve(metrics, "127.0.0.1:0".parse().expect("addr")).expect("bound");
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    assert!(response.starts_with("HTTP/1.1 200 OK"));
    assert!(
        response.contains("keel_keeper_submissions_total{pool=\"BASE/QUOTE\"} 1"),
        "{response}"
    );
    assert!(response.contains("keel_keeper_failures_total{pool=\"BASE/QUOTE\"} 1"));
    assert!(response.contains("keel_keeper_reconnects_total 3"), "{response}");
}

fn get(addr: SocketAddr, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .expect("request");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("response");
    response
}

#[test]
fn healthz_is_ready_after_a_good_pass_and_not_after_a_failed_one() {
    let metrics = Arc::new(Metrics::default());
    let addr = serve(metrics.clone(), "127.0.0.1:0".parse().expect("addr")).expect("bound");
    assert!(
        get(addr, "/healthz").starts_with("HTTP/1.1 503"),
        "not ready before a pass"
    );
    metrics.pass(true, 60_000, Some(12));
    let ok = get(addr, "/healthz");
    assert!(
        ok.starts_with("HTTP/1.1 200")
            && ok.ends_with("{\"ready\":true,\"last_success_ms\":60000,\"head\":12}"),
        "{ok}"
    );
    metrics.pass(false, 66_000, Some(13));
    assert!(get(addr, "/healthz").ends_with("{\"ready\":false,\"last_success_ms\":60000,\"head\":13}"));
    metrics.pass(true, 72_000, None);
    assert!(
        get(addr, "/healthz").starts_with("HTTP/1.1 503"),
        "a node that cannot be read is not ready"
    );
    assert!(get(addr, "/metrics").contains("keel_keeper_reconnects_total 0"));
    assert!(
        get(addr, "/healthz?probe=1").starts_with("HTTP/1.1 503"),
        "the query is ignored"
    );
    assert!(
        get(addr, "/health").starts_with("HTTP/1.1 404"),
        "a mistyped probe fails"
    );
}

#[test]
fn healthz_is_not_ready_once_the_loop_has_not_moved_within_its_patience() {
    use keel_keeper::health::Health;
    use keel_keeper::spending::ledger_ms;
    // given a good round, on a clock that never steps
    let health = Health::default();
    health.record(true, 60_000, Some(7));
    let now = ledger_ms();
    let later = now + 120_000;
    assert_eq!(
        health.reply_at(later).status,
        200,
        "no patience: the last verdict stands"
    );
    // when the loop may go one minute without moving
    health.set_patience(60_000);
    // then two minutes on it reads as hung, until it moves again
    assert_eq!(health.reply_at(now).status, 200);
    let hung = health.reply_at(later);
    assert!(
        hung.status == 503 && hung.body.contains("\"ready\":false"),
        "{}",
        hung.body
    );
    health.moved_at(later);
    assert_eq!(health.reply_at(later + 1).status, 200);
}

#[test]
fn a_public_metrics_address_is_refused() {
    let public: SocketAddr = "0.0.0.0:0".parse().expect("addr");
    let err = serve(Arc::new(Metrics::default()), public).expect_err("must refuse");
    assert!(matches!(err, ServeError::NotLoopback(a) if a == public), "{err}");
}

/// The value of `name` for pool `P` in rendered metrics.
fn gauge(rendered: &str, name: &str) -> f64 {
    let prefix = format!("keel_keeper_{name}{{pool=\"P\"}} ");
    let line = rendered
        .lines()
        .find(|l| l.starts_with(&prefix))
        .unwrap_or_else(|| panic!("no {name} in {rendered}"));
    line[prefix.len()..].parse().expect("a number")
}

#[test]
fn a_pass_exports_the_lp_positions_greeks_in_whole_tokens_and_drops_them_when_unreadable() {
    // given a pool long 5,000 base, observed by a keeper told base has 6 decimals and quote 12
    let view = common::view(5_000 * ONE);
    let metrics = Metrics::new(6, 12);
    metrics.observe("P", &view);
    let rendered = metrics.render();
    // then each Greek is the core's, base in millionths and quote in 1e-12ths of the units
    let g = view.greeks().expect("greeks");
    let (base, quote) = (|x: f64| x / 1e6, |x: f64| x / 1e12);
    let cases = [
        ("delta_base", base(g.delta as f64)),
        ("delta_vs_target_base", base(g.delta_vs_target as f64)),
        ("gamma_up_base", base(g.gamma_up as f64)),
        ("gamma_down_base", base(g.gamma_down as f64)),
        ("vega_quote", quote(g.vega.expect("vega") as f64)),
    ];
    for (name, want) in cases {
        let got = gauge(&rendered, name);
        assert!(
            (got - want).abs() <= want.abs() * 1e-12,
            "{name}: {got} vs {want}"
        );
    }
    // and they read as a long-base pool's: above its target, selling on a rise, buying on a fall
    assert!(
        g.delta_vs_target > 0 && g.gamma_up < 0 && g.gamma_down > 0,
        "{g:?}"
    );
    // when the pool is emptied, the gauges go rather than keep the last values
    let mut empty = view;
    empty.state = keel_core::PoolState::default();
    metrics.observe("P", &empty);
    let rendered = metrics.render();
    for name in [
        "delta_base",
        "delta_vs_target_base",
        "gamma_up_base",
        "gamma_down_base",
        "vega_quote",
    ] {
        assert!(
            !rendered.contains(&format!("keel_keeper_{name}{{")),
            "{name} stayed: {rendered}"
        );
    }
}
