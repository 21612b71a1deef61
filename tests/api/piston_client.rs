//! The published Rust Piston client, `piston_rs`, used unchanged against coderoom: it lists the
//! runtimes and executes programs through `/api/v2`, exactly as it would against Piston.
//! Needs the Docker engine and the runtime images, like `sandbox.rs`.

use base64::Engine as _;
use piston_rs::{Client, ExecResponse, Executor, File};

use crate::Server;

const LANGUAGES: &[&str] = &["python", "javascript", "typescript", "java", "c", "c++", "go", "rust"];

async fn execute(client: &Client, executor: &Executor) -> ExecResponse {
    client.execute(executor).await.unwrap_or_else(|err| panic!("piston_rs execute failed: {err}"))
}

#[tokio::test]
async fn piston_rs_lists_runtimes_and_executes() {
    let server = Server::start();
    // Piston clients are given the API root and a key; piston_rs appends "/runtimes" and
    // "/execute", so a root written with a trailing slash yields "/api/v2//execute", which
    // Piston accepts too. piston_rs sends the key as the bare `Authorization` value; the
    // `Bearer` form works as well.
    let key = crate::piston_access::api_key(&server).await;
    let client = Client::with_url_and_key(&format!("{}/api/v2", server.url), &key);
    let slashed = Client::with_url_and_key(&format!("{}/api/v2/", server.url), &format!("Bearer {key}"));
    let anonymous = Client::with_url(&format!("{}/api/v2", server.url));
    assert!(anonymous.fetch_runtimes().await.is_err(), "the API is not anonymous");

    // Runtimes: every installed language, with the same entries as the raw endpoint.
    let runtimes = client.fetch_runtimes().await.unwrap_or_else(|err| panic!("fetch_runtimes: {err}"));
    for language in LANGUAGES {
        assert!(runtimes.iter().any(|rt| rt.language == *language), "{language} missing from {runtimes:?}");
    }
    let python = runtimes.iter().find(|rt| rt.language == "python").expect("python");
    assert!(python.version.starts_with("3."), "python version {}", python.version);
    assert!(python.aliases.iter().any(|alias| alias == "py"), "python aliases {:?}", python.aliases);
    let raw = server.http.get(format!("{}/api/v2/runtimes", server.url)).bearer_auth(&key).send().await;
    let (_, raw) = crate::json_of(raw.expect("GET")).await;
    assert_eq!(raw.as_array().expect("runtimes array").len(), runtimes.len());
    let via_slash = slashed.fetch_runtimes().await.unwrap_or_else(|err| panic!("fetch_runtimes with a slash: {err}"));
    assert_eq!(via_slash.len(), runtimes.len());

    // Python hello world with stdin and args, through an alias and the default version "*".
    // piston_rs always sends its own defaults: 10 s / 3 s timeouts and -1 memory limits.
    let hello = Executor::new()
        .set_language("py3")
        .add_file(File::new(
            "main.py",
            "import sys\nprint('hello', sys.stdin.readline().strip(), sys.argv[1:])",
            "utf8",
        ))
        .set_stdin("world")
        .add_args(vec!["one", "two words"]);
    for client in [&client, &slashed] {
        let response = execute(client, &hello).await;
        assert!(response.is_ok(), "status {}: {response:?}", response.status);
        assert_eq!(response.status, 200);
        assert_eq!(response.language, "python", "the canonical name, not the alias");
        assert_eq!(response.version, python.version);
        assert!(response.compile.is_none(), "python has no compile stage: {response:?}");
        let run = &response.run;
        assert_eq!(run.stdout, "hello world ['one', 'two words']\n");
        assert_eq!(run.stderr, "");
        assert_eq!(run.output, run.stdout);
        assert_eq!(run.code, Some(0));
        assert_eq!(run.signal, None);
        assert!(run.is_ok() && !run.is_err());
    }

    // A pinned version, several files, one of them base64-encoded.
    let helper = base64::engine::general_purpose::STANDARD.encode("def greet(name):\n    return 'hi ' + name\n");
    let response = execute(
        &client,
        &Executor::new().set_language("Python").set_version(&python.version).add_files(vec![
            File::new("main.py", "from helper import greet\nprint(greet('files'))", "utf8"),
            File::new("helper.py", &helper, "base64"),
        ]),
    )
    .await;
    assert!(response.is_ok(), "{response:?}");
    assert_eq!(response.run.stdout, "hi files\n");

    // A C program that compiles and runs: both stages are reported.
    let response = execute(
        &client,
        &Executor::new()
            .set_language("c")
            .add_file(File::new(
                "main.c",
                "#include <stdio.h>\nint main(int c, char **v) { printf(\"c says %s\\n\", v[1]); return 0; }",
                "utf8",
            ))
            .add_arg("hi"),
    )
    .await;
    assert!(response.is_ok(), "{response:?}");
    assert_eq!(response.language, "c");
    let compile = response.compile.as_ref().expect("C has a compile stage");
    assert_eq!(compile.code, Some(0), "{compile:?}");
    assert_eq!(response.run.stdout, "c says hi\n");
    assert_eq!(response.run.code, Some(0));

    // A compile error in C: the compile stage fails and `run` is a copy of it.
    let response =
        execute(&client, &Executor::new().set_language("c").add_file(File::new("main.c", "int main( { }", "utf8")))
            .await;
    assert!(response.is_ok(), "a compile error is still a 200: {response:?}");
    let compile = response.compile.as_ref().expect("compile stage");
    assert!(compile.is_err(), "{compile:?}");
    assert_ne!(compile.code, Some(0));
    assert!(compile.stderr.contains("error"), "compiler message: {compile:?}");
    assert_eq!(response.run.code, compile.code);
    assert_eq!(response.run.stderr, compile.stderr);
    assert_eq!(response.run.stdout, compile.stdout);

    // A runtime error: a non-zero exit code and the traceback on stderr.
    let response = execute(
        &client,
        &Executor::new().set_language("python").add_file(File::new("main.py", "print('before')\n1 / 0", "utf8")),
    )
    .await;
    assert!(response.is_ok(), "{response:?}");
    let run = &response.run;
    assert_eq!(run.stdout, "before\n");
    assert!(run.stderr.contains("ZeroDivisionError"), "{run:?}");
    assert!(run.output.contains("before") && run.output.contains("ZeroDivisionError"), "{run:?}");
    assert_eq!(run.code, Some(1));
    assert_eq!(run.signal, None);
    assert!(run.is_err());

    // Killed by a signal: no exit code, the signal's name.
    let response = execute(
        &client,
        &Executor::new().set_language("python").add_file(File::new(
            "main.py",
            "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
            "utf8",
        )),
    )
    .await;
    assert!(response.is_ok(), "{response:?}");
    assert_eq!(response.run.code, None, "{response:?}");
    assert_eq!(response.run.signal.as_deref(), Some("SIGKILL"));

    // A rejected request: piston_rs reports the HTTP status and Piston's message.
    let response =
        execute(&client, &Executor::new().set_language("intercal").add_file(File::new("main.i", "x", "utf8"))).await;
    assert_eq!(response.status, 400, "{response:?}");
    assert!(response.is_err());
    assert!(response.run.stderr.contains("intercal-* runtime is unknown"), "{response:?}");

    // A limit above the configured maximum is refused, not silently raised.
    let response = execute(
        &client,
        &Executor::new()
            .set_language("python")
            .add_file(File::new("main.py", "print(1)", "utf8"))
            .set_run_timeout(isize::MAX),
    )
    .await;
    assert_eq!(response.status, 400, "{response:?}");
    assert!(response.run.stderr.contains("run_timeout cannot exceed the configured limit"), "{response:?}");
}
