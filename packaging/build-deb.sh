#!/usr/bin/env bash
# Builds popsync's Debian package into target/debian/: the release binary, its man pages and
# shell completions made by the binary itself from the same definitions as --help, then
# cargo-deb (`cargo install cargo-deb --locked` once) with the assets Cargo.toml lists.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked
bin=target/release/popsync
assets=target/package
rm -rf "$assets"
mkdir -p "$assets/man" "$assets/completions"
"$bin" man "$assets/man"
"$bin" completions bash >"$assets/completions/popsync.bash"
"$bin" completions zsh >"$assets/completions/_popsync"
"$bin" completions fish >"$assets/completions/popsync.fish"
cargo deb --no-build --locked
