# Sourced by every script that builds Rust: the one package and feature set they all build with.
# Cargo resolves dependency features per selection, so a script that picked its own packages
# (`-p keel-client ...`) compiled most dependencies a second time: 254 of 417 units differed,
# about half an hour of a cold CI run on 2 cores. With this set, the end-to-end scripts find
# everything the tests built and compile only the client's binary.
# The simulator's drink backend is behind a feature; it is in the set so the tests cover it.
KEEL_CARGO_SET=(--workspace --features keel-sim/drink)
