//! The reporter configuration's tests: defaults, the shipped file, and each refusal.

use super::*;

const SOURCES: &str = "[[sources]]\nname = \"a\"\nkind = \"csv\"\nfile = \"a.csv\"\n[[sources]]\nname = \"b\"\nkind = \"csv\"\nfile = \"b.csv\"\n";

fn shipped() -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../reporter.toml");
    std::fs::read_to_string(path).expect("reporter.toml")
}

#[test]
fn a_tip_cap_not_above_the_tip_is_refused() {
    let node = "[node]\nsigner = \"env:K\"\ndeployment = \"d.json\"\ntip = 10\n";
    assert!(Config::parse(&format!("{node}tip_cap = 5\n{SOURCES}")).is_err());
    // equal: no replacement could ever be sent, whatever the operator meant by it
    assert!(Config::parse(&format!("{node}tip_cap = 10\n{SOURCES}")).is_err());
    assert!(Config::parse(&format!("{node}tip_cap = 0\n{SOURCES}")).is_ok());
    assert!(Config::parse(&format!("{node}tip_cap = 40\n{SOURCES}")).is_ok());
}

#[test]
fn node_settings_the_keeper_refuses_are_refused_here_too() {
    let node = "[node]\nsigner = \"env:K\"\ndeployment = \"d.json\"\n";
    for (setting, named) in [
        ("confirm_timeout_ms = 0", "confirm_timeout_ms"),
        ("margin_pct = 1001", "margin_pct"),
    ] {
        let err = Config::parse(&format!("{node}{setting}\n{SOURCES}")).expect_err(setting);
        assert!(err.to_string().contains(named), "{err}");
    }
    assert!(Config::parse(&format!("{node}margin_pct = 1000\n{SOURCES}")).is_ok());
}

#[test]
fn an_oracle_named_by_address_needs_its_code_hash_and_its_chain() {
    let node = "[node]\nsigner = \"env:K\"\noracle = \"5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty\"\n";
    let err = Config::parse(&format!("{node}{SOURCES}")).expect_err("no code hash");
    assert!(err.to_string().contains("oracle_code_hashes"), "{err}");
    let hash = format!("oracle_code_hashes = [\"0x{}\"]\n", "22".repeat(32));
    let err = Config::parse(&format!("{node}{hash}{SOURCES}")).expect_err("no genesis");
    assert!(err.to_string().contains("node.genesis_hash"), "{err}");
    let genesis = format!("genesis_hash = \"0x{}\"\n", "11".repeat(32));
    assert!(Config::parse(&format!("{node}{hash}{genesis}{SOURCES}")).is_ok());
    let short = "oracle_code_hashes = [\"0x22\"]\n";
    assert!(Config::parse(&format!("{node}{short}{genesis}{SOURCES}")).is_err());
    let short = "genesis_hash = \"0x11\"\n";
    assert!(Config::parse(&format!("{node}{hash}{short}{SOURCES}")).is_err());
}

#[test]
fn the_shipped_file_writes_out_every_default() {
    let config = Config::parse(&shipped()).expect("parses");
    assert_eq!(config.reporter, ReporterConfig::default());
    let node = config.node.expect("[node]");
    let text = format!(
        "[node]\nsigner = {:?}\ndeployment = \"target/deployment.json\"\n",
        node.signer
    );
    let defaults = Config::parse(&format!("{text}{SOURCES}")).expect("defaults").node;
    assert_eq!(Some(node), defaults);
    assert_eq!(config.sources.len(), 3);
    assert!(config
        .sources
        .iter()
        .all(|s| s.max_age_ms == default_max_age_ms() && s.timeout_ms == default_timeout_ms()));
    let kinds: Vec<_> = config
        .sources
        .iter()
        .map(|s| std::mem::discriminant(&s.kind))
        .collect();
    assert_eq!(
        kinds.iter().collect::<std::collections::HashSet<_>>().len(),
        3,
        "one source of each kind"
    );
}

#[test]
fn typos_and_out_of_range_values_are_refused_by_name() {
    let sources = SOURCES;
    assert!(Config::parse(sources).is_ok());
    let cases = [
        ("[reporter]\nheartbeat = 5\n", "unknown field"),
        ("[reporter]\nmin_sources = 0\n", "min_sources"),
        ("[reporter]\nheartbeat_ms = 55000\n", "heartbeat_ms"),
        (
            "[reporter]\nheartbeat_ms = 40000\n",
            "max_age_ms plus reporter.heartbeat_ms",
        ),
        ("[reporter]\nvol_floor = -0.1\n", "vol_floor"),
        ("[reporter]\nround_ms = 99\n", "round_ms"),
        ("[reporter]\nmetrics = \"0.0.0.0:9616\"\n", "loopback"),
        ("[reporter]\nmin_sources = 3\n", "2 source(s)"),
        ("[reporter]\nbackoff_max_ms = 300000\n", "backoff_max_ms"),
        (
            "[reporter]\nheartbeat_ms = 0\nbackoff_max_ms = 30001\n",
            "backoff_max_ms",
        ),
    ];
    for (text, needle) in cases {
        let e = Config::parse(&format!("{text}{sources}"))
            .expect_err(text)
            .to_string();
        assert!(e.contains(needle), "{text:?}: {e}");
    }
    let twice = sources.replace("\"b\"", "\"a\"");
    assert!(Config::parse(&twice)
        .expect_err("dup")
        .to_string()
        .contains("two sources"));
    let empty = format!("{sources}[[sources]]\nname = \"c\"\nkind = \"command\"\ncommand = []\n");
    assert!(Config::parse(&empty)
        .expect_err("empty")
        .to_string()
        .contains("empty command"));
    let unknown = format!("{sources}[[sources]]\nname = \"c\"\nkind = \"ftp\"\n");
    assert!(Config::parse(&unknown).is_err());
    let typo = format!("{sources}[[sources]]\nname = \"c\"\nkind = \"http\"\nurl = \"https://x\"\npath = \"p\"\nmax_age = 5\n");
    assert!(Config::parse(&typo).is_err(), "a misspelt source field");
    for (url, ok) in [
        ("https://api.example/p", true),
        ("http://127.0.0.1:8080/p", true),
        ("http://localhost/p", true),
        ("http://[::1]:80/p", true),
        ("http://api.example/p", false),
        ("http://127.0.0.1.evil.example/p", false),
        ("ftp://127.0.0.1/p", false),
    ] {
        let http =
            format!("{sources}[[sources]]\nname = \"c\"\nkind = \"http\"\nurl = \"{url}\"\npath = \"p\"\n");
        assert_eq!(Config::parse(&http).is_ok(), ok, "{url}");
    }
    let zero =
        format!("{sources}[[sources]]\nname = \"c\"\nkind = \"csv\"\nfile = \"c.csv\"\ntimeout_ms = 0\n");
    assert!(Config::parse(&zero)
        .expect_err("zero timeout")
        .to_string()
        .contains("positive"));
    let unsigned = format!("{sources}[node]\nurl = \"ws://127.0.0.1:9944\"\n");
    assert!(Config::parse(&unsigned)
        .expect_err("no signer")
        .to_string()
        .contains("signer"));
}

#[test]
fn a_missing_replay_is_named() {
    let config = Config::parse(
        "[reporter]\nmin_sources = 1\n[[sources]]\nname = \"a\"\nkind = \"csv\"\nfile = \"nowhere.csv\"\n",
    )
    .expect("parses");
    let e = config
        .sources(Path::new("/nonexistent"))
        .err()
        .expect("missing file")
        .to_string();
    assert!(e.contains("source \"a\"") && e.contains("nowhere.csv"), "{e}");
}

#[test]
fn sources_of_tokens_of_different_decimals_publish_prices_of_token_units() {
    // given a replay quoting 7.5 (whole USDT a whole DOT)
    let dir = tempfile::tempdir().expect("dir");
    std::fs::write(dir.path().join("p.csv"), "0,7.5\n").expect("csv");
    let price = |decimals: &str| {
        let text = format!(
            "[reporter]\nmin_sources = 1\n{decimals}[[sources]]\nname = \"p\"\nkind = \"csv\"\nfile = \"p.csv\"\n"
        );
        let config = Config::parse(&text).expect("parses");
        let mut sources = config.sources(dir.path()).expect("sources");
        sources[0].source.fetch(1_000).expect("a price").price
    };
    // when the feed's tokens are DOT (10 decimals) and USDT (6), then the price is 7.5e6 USDT
    // units for 1e10 DOT units; with the defaults (18 and 18) it is the source's
    let one = keel_core::ONE;
    assert_eq!(
        price("base_decimals = 10\nquote_decimals = 6\n"),
        75 * one / 100_000
    );
    assert_eq!(price(""), 75 * one / 10);
    let apart = Config::parse(&format!(
        "[reporter]\nbase_decimals = 0\nquote_decimals = 39\n{SOURCES}"
    ))
    .expect_err("39 apart");
    assert!(apart.to_string().contains("at most 38"), "{apart}");
}

#[test]
fn a_price_outside_the_oracles_bounds_is_its_sources_failure_with_equal_decimals_too() {
    let dir = tempfile::tempdir().expect("dir");
    // seconds from the replay's start: above the bounds, below them, at the upper bound
    std::fs::write(dir.path().join("p.csv"), "0,2e18\n2,1e-13\n4,1e18\n").expect("csv");
    for decimals in ["", "base_decimals = 6\nquote_decimals = 6\n"] {
        let text = format!(
            "[reporter]\nmin_sources = 1\n{decimals}[[sources]]\nname = \"p\"\nkind = \"csv\"\nfile = \"p.csv\"\n"
        );
        let mut sources = Config::parse(&text)
            .expect("parses")
            .sources(dir.path())
            .expect("sources");
        for now_ms in [1_000, 3_000] {
            let refused = sources[0].source.fetch(now_ms).expect_err("out of bounds");
            assert!(refused.to_string().contains("outside"), "{refused}");
        }
        let edge = sources[0].source.fetch(5_000).expect("at the bound");
        assert_eq!(edge.price, keel_core::MAX_PRICE);
    }
}

#[test]
fn a_relative_deployment_is_read_beside_the_configuration_file() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("reporter.toml");
    let node = "[node]\nsigner = \"env:K\"\ndeployment = \"records/deployment.json\"\n";
    std::fs::write(&file, format!("{node}{SOURCES}")).expect("write");
    let config = Config::load(&file).expect("loads");
    assert_eq!(
        config.node.expect("node").deployment,
        Some(dir.path().join("records/deployment.json"))
    );
}
