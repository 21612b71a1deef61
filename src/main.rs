//! The `coderoom` program: everything it does lives in the library.

fn main() -> std::process::ExitCode {
    coderoom::run_command_line()
}
