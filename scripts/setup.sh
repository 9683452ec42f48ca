#!/usr/bin/env bash
# Takes a fresh machine to ready for building and testing Keel. Safe to run again.
#  - the Rust toolchain pinned in rust-toolchain.toml (1.86.0, rust-src, clippy, rustfmt, wasm32)
#  - cargo-contract 5.0.3 (the ink! 5 contract builder; about 13 minutes the first time)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if ! command -v rustup >/dev/null 2>&1; then
  echo "rustup is required (https://rustup.rs); install it, then run this script again." >&2
  exit 1
fi

step "Rust toolchain from rust-toolchain.toml"
rustup toolchain install 2>&1 | tail -n 2
rustc --version

CARGO_CONTRACT_VERSION=5.0.3
if cargo contract --version 2>/dev/null | grep -q "cargo-contract-contract ${CARGO_CONTRACT_VERSION}\|cargo-contract ${CARGO_CONTRACT_VERSION}"; then
  step "cargo-contract ${CARGO_CONTRACT_VERSION} already installed"
else
  step "Installing cargo-contract ${CARGO_CONTRACT_VERSION} (one-time, ~13 minutes on 2 cores)"
  cargo install cargo-contract --version "${CARGO_CONTRACT_VERSION}" --locked
fi
cargo contract --version

step "Node.js and npm (the web app's build and tests)"
if ! command -v npm >/dev/null 2>&1; then
  echo "Node.js 20+ with npm is required for web/ (https://nodejs.org, or apt install nodejs npm); install it, then run this script again." >&2
  exit 1
fi
node --version
step "web/ dependencies from web/package-lock.json (npm ci)"
(cd web && npm ci --no-audit --no-fund --loglevel=error)
