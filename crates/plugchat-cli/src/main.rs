//! The `plugchat` binary. The command lives in the library (`src/lib.rs`), so that its tests
//! link the library rather than build the command a second time.

fn main() -> std::process::ExitCode {
    plugchat_cli::main()
}
