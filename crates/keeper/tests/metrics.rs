//! The metrics endpoint: served on loopback, refused elsewhere, Prometheus text out.

use keel_keeper::metrics::{serve, Metrics};
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

#[test]
fn a_public_metrics_address_is_refused() {
    let public: SocketAddr = "0.0.0.0:0".parse().expect("addr");
    let err = serve(Arc::new(Metrics::default()), public).expect_err("must refuse");
    assert_eq!(err.kind(), std::io::ErrorKind::PermissionDenied);
}
