//! The stock `surreal` command line (`surreal start …`), with the community storage engines.
// The server's futures nest deeper than the default limit allows to lay out.
#![recursion_limit = "256"]

fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
