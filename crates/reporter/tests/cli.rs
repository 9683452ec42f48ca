//! The `keel-reporter` binary as an operator meets it: `check` against real sources, `run`
//! refusing a configuration it cannot sign with, and the systemd units verified.

use std::path::Path;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_keel-reporter");

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write");
}

/// Two exchanges that agree and one 20% off, as CSV replays, and a command source.
fn config(dir: &Path, extra: &str) -> std::path::PathBuf {
    write(dir, "a.csv", "seconds,price\n0,10.00\n");
    write(dir, "b.csv", "seconds,price\n0,10.02\n");
    write(dir, "liar.csv", "seconds,price\n0,12.0\n");
    let text = format!(
        "{extra}[[sources]]\nname = \"a\"\nkind = \"csv\"\nfile = \"a.csv\"\n\
         [[sources]]\nname = \"b\"\nkind = \"csv\"\nfile = \"b.csv\"\n\
         [[sources]]\nname = \"liar\"\nkind = \"csv\"\nfile = \"liar.csv\"\n\
         [[sources]]\nname = \"cmd\"\nkind = \"command\"\ncommand = [\"echo\", \"10.01\"]\n"
    );
    write(dir, "reporter.toml", &text);
    dir.join("reporter.toml")
}

#[test]
fn check_prints_each_source_and_the_median_without_the_liar() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(BIN)
        .args(["check", "--config"])
        .arg(config(dir.path(), ""))
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("left out: liar (Outlier"), "{stdout}");
    // The median of 10.00, 10.01 and 10.02.
    assert!(stdout.contains("reading: 10.01 from 3 source(s)"), "{stdout}");
}

#[test]
fn check_read_by_a_reader_that_stops_early_ends_quietly() {
    // given: a reader that closes the pipe before the table is printed (as `| head -1` does once
    // it has its line)
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = Command::new(BIN)
        .args(["check", "--config"])
        .arg(config(dir.path(), ""))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run");
    drop(child.stdout.take());
    // when: the reporter writes its answer into the closed pipe
    let out = child.wait_with_output().expect("wait");
    // then: it ends with success and says nothing (`println!` panicked with a backtrace)
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn check_fails_when_too_few_sources_agree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = config(dir.path(), "[reporter]\nmin_sources = 4\n");
    let out = Command::new(BIN)
        .args(["check", "--config"])
        .arg(path)
        .output()
        .expect("run");
    // Sources may agree again later: not a refused configuration.
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("3 source(s) agreed, 4 needed"));
}

#[test]
fn run_without_a_node_table_says_why_and_signs_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = Command::new(BIN)
        .args(["run", "--once", "--config"])
        .arg(config(dir.path(), ""))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(MISCONFIGURED));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no [node] table"));
}

/// `run --once` with a `[node]` table at `url`, signing as a dev key.
fn run_once_at(url: &str) -> std::process::Output {
    let dir = tempfile::tempdir().expect("tempdir");
    let node = format!(
        "[node]\nurl = \"{url}\"\noracle = \"{ALICE}\"\noracle_code_hashes = [\"0x{}\"]\n\
         genesis_hash = \"0x{}\"\nsigner = \"//Alice\"\nreconnect_ms = 200\n\n",
        "22".repeat(32),
        "33".repeat(32)
    );
    // The `[node]` table after the sources: `config` writes `extra` first.
    let path = config(dir.path(), "");
    let text = std::fs::read_to_string(&path).expect("read") + &node;
    std::fs::write(&path, text).expect("write");
    Command::new(BIN)
        .args(["run", "--once", "--config"])
        .arg(path)
        .output()
        .expect("run")
}

const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
/// sysexits' `EX_CONFIG`, which the systemd units do not restart.
const MISCONFIGURED: i32 = 78;

#[test]
fn a_node_url_refused_before_connecting_is_a_configuration_the_unit_does_not_restart() {
    let out = run_once_at("ws://192.0.2.1:9944");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(MISCONFIGURED), "{stderr}");
    assert!(stderr.contains("ws:// to a loopback host"), "{stderr}");
}

#[test]
fn a_node_that_cannot_be_reached_is_a_failure_the_unit_restarts() {
    // A loopback port nothing listens on: bound, then released.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let out = run_once_at(&format!("ws://127.0.0.1:{port}"));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("node unreachable"), "{stderr}");
}

#[test]
fn the_systemd_units_leave_a_refused_configuration_stopped_and_restart_the_rest() {
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/systemd");
    for unit in ["keel-reporter.service", "keel-keeper.service"] {
        let text = std::fs::read_to_string(deploy.join(unit)).expect("unit");
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines.contains(&"Restart=on-failure"), "{unit}");
        assert!(
            lines.contains(&format!("RestartPreventExitStatus={MISCONFIGURED}").as_str()),
            "{unit}"
        );
    }
}

#[test]
fn the_systemd_units_verify() {
    if Command::new("systemd-analyze").arg("--version").output().is_err() {
        eprintln!("systemd-analyze is not installed: the units are not verified here");
        return;
    }
    let deploy = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/systemd");
    let dir = tempfile::tempdir().expect("tempdir");
    for unit in ["keel-reporter.service", "keel-keeper.service"] {
        // The installed binary's path, pointed at one that exists here.
        let text = std::fs::read_to_string(deploy.join(unit)).expect("unit");
        assert!(text.contains("ExecStart=/usr/local/bin/keel-"), "{unit}");
        let text = text
            .replace("/usr/local/bin/keel-reporter", BIN)
            .replace("/usr/local/bin/keel-keeper", BIN);
        write(dir.path(), unit, &text);
        let out = Command::new("systemd-analyze")
            .arg("verify")
            .arg(dir.path().join(unit))
            .output()
            .expect("verify");
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success() && !said.contains(unit), "{unit}: {said}");
    }
}
