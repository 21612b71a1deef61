//! The stock `surreal` command line (`surreal start …`), with the community storage engines.
fn main() -> std::process::ExitCode {
    surrealdb_server::init(surrealdb_server::core::CommunityComposer())
}
