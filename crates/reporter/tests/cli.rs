//! The `keel-reporter` binary as an operator meets it: `check` against real sources, `run`
//! refusing a configuration it cannot sign with, and the systemd units verified.

use std::path::Path;
use std::process::Command;

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
fn check_fails_when_too_few_sources_agree() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = config(dir.path(), "[reporter]\nmin_sources = 4\n");
    let out = Command::new(BIN)
        .args(["check", "--config"])
        .arg(path)
        .output()
        .expect("run");
    assert!(!out.status.success());
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
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no [node] table"));
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
