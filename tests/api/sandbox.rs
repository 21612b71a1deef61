//! The sandbox against the real Docker engine and the real runtime images (CI runs
//! `scripts/start-docker.sh` and `coderoom runtimes build` first): Piston conformance over HTTP,
//! the attack suite, the interactive WebSocket, capacity and a Docker outage.

use std::time::{Duration, Instant};

use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::{Client, Server, assert_error};

/// A signed-in account: the Piston API is not anonymous (see `piston_access.rs`).
async fn piston_client(server: &Server) -> Client {
    server.user("Piston Client").await.0
}

async fn execute(client: &Client, body: Value) -> (StatusCode, Value) {
    client.post_json("/api/v2/execute", body).await
}

/// Runs and expects a 200, returning the body.
async fn run(client: &Client, body: Value) -> Value {
    let (status, result) = execute(client, body.clone()).await;
    assert_eq!(status, StatusCode::OK, "request {body} answered {result}");
    result
}

fn python(source: &str) -> Value {
    json!({"language": "python", "version": "3.x", "files": [{"name": "main.py", "content": source}]})
}

/// The smoke program of each runtime prints "coderoom smoke ok <first stdin line>".
const SMOKE: &[(&str, &str, &str)] = &[
    ("python", "main.py", "import sys\nprint('coderoom smoke ok ' + sys.stdin.readline().strip(), sys.argv[1:])"),
    (
        "javascript",
        "main.js",
        "const l = require('fs').readFileSync(0, 'utf8').split('\\n')[0];\nconsole.log('coderoom smoke ok ' + l, process.argv.slice(2));",
    ),
    (
        "typescript",
        "main.ts",
        "const l: string = require('fs').readFileSync(0, 'utf8').split('\\n')[0];\nconsole.log('coderoom smoke ok ' + l, process.argv.slice(2));",
    ),
    (
        "java",
        "Main.java",
        "public class Main { public static void main(String[] a) throws Exception {\n var r = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));\n System.out.println(\"coderoom smoke ok \" + r.readLine() + \" \" + String.join(\",\", a)); } }",
    ),
    (
        "c",
        "main.c",
        "#include <stdio.h>\n#include <string.h>\nint main(int c, char **v) { char l[64] = \"\"; fgets(l, 64, stdin); l[strcspn(l, \"\\n\")] = 0; printf(\"coderoom smoke ok %s %s\\n\", l, v[1]); }",
    ),
    (
        "c++",
        "main.cpp",
        "#include <iostream>\n#include <string>\nint main(int c, char **v) { std::string l; std::getline(std::cin, l); std::cout << \"coderoom smoke ok \" << l << \" \" << v[1] << std::endl; }",
    ),
    (
        "go",
        "main.go",
        "package main\nimport (\"bufio\"; \"fmt\"; \"os\"; \"strings\")\nfunc main() { l, _ := bufio.NewReader(os.Stdin).ReadString('\\n'); fmt.Println(\"coderoom smoke ok \" + strings.TrimSpace(l), os.Args[1:]) }",
    ),
    (
        "rust",
        "main.rs",
        "fn main() { let mut l = String::new(); std::io::stdin().read_line(&mut l).ok(); println!(\"coderoom smoke ok {} {:?}\", l.trim(), std::env::args().skip(1).collect::<Vec<_>>()); }",
    ),
];

/// Programs that do not compile (compiled languages) or fail at run time.
const BROKEN: &[(&str, &str)] = &[
    ("typescript", "const x: number = 'text';"),
    ("java", "public class Main { public static void main(String[] a) { int x = } }"),
    ("c", "int main( { }"),
    ("c++", "int main() { return undefined_name; }"),
    ("go", "package main\nfunc main() { x := 1 }"),
    ("rust", "fn main() { let x: u32 = \"no\"; }"),
];

#[tokio::test]
async fn piston_conformance() {
    let server = Server::start();
    let client = piston_client(&server).await;

    // Runtimes: every configured language is installed, with Piston's fields.
    let (status, runtimes) = client.get_json("/api/v2/runtimes").await;
    assert_eq!(status, StatusCode::OK);
    let (_, with_slash) = client.get_json("/api/v2/runtimes/").await;
    assert_eq!(runtimes, with_slash);
    let list = runtimes.as_array().expect("array");
    for (language, _, _) in SMOKE {
        let entry = list
            .iter()
            .find(|rt| rt["language"] == *language)
            .unwrap_or_else(|| panic!("{language} missing in {runtimes}"));
        assert!(entry["version"].is_string() && entry["aliases"].is_array(), "{entry}");
    }
    assert_eq!(list.iter().find(|rt| rt["language"] == "c++").map(|rt| rt["runtime"].clone()), Some(json!("gcc")));
    // scripts/test.sh installs every image: the whole registry is served.
    assert!(list.len() >= 45, "{} runtimes: {runtimes}", list.len());
    // Two versions of one language, chosen by Piston's version ranges.
    for (language, range, runtime) in [("python", "3.13", None), ("python", "3.11", Some("pypy")), ("java", "21", None)]
    {
        let (status, result) =
            execute(&client, json!({"language": language, "version": range, "files": [{"content": "x"}]})).await;
        assert_eq!(status, StatusCode::OK, "{language} {range}: {result}");
        assert!(result["version"].as_str().is_some_and(|v| v.starts_with(range)), "{language} {range}: {result}");
        let listed = list.iter().find(|rt| rt["language"] == language && rt["version"] == result["version"]);
        assert_eq!(listed.and_then(|rt| rt["runtime"].as_str()), runtime, "{language} {range}: {listed:?}");
    }
    let (status, packages) = client.get_json("/api/v2/packages").await;
    assert_eq!(status, StatusCode::OK);
    assert!(packages.as_array().is_some_and(|p| p.iter().all(|p| p["installed"] == true)), "{packages}");
    assert_error(
        client.post_json("/api/v2/packages", json!({"language": "python", "version": "3"})).await,
        StatusCode::FORBIDDEN,
        "administrator",
    );

    // Validation messages, in Piston's order.
    let ok_file = json!([{"content": "print(1)"}]);
    let cases = [
        (json!({}), "language is required as a string"),
        (json!({"language": 1, "version": "3", "files": ok_file}), "language is required as a string"),
        (json!({"language": "python"}), "version is required as a string"),
        (json!({"language": "python", "version": 3}), "version is required as a string"),
        (json!({"language": "python", "version": "3"}), "files is required as an array"),
        (json!({"language": "python", "version": "3", "files": {"content": "x"}}), "files is required as an array"),
        (
            json!({"language": "python", "version": "3", "files": [{"content": "x"}, {"name": "b"}]}),
            "files[1].content is required as a string",
        ),
        (json!({"language": "intercal", "version": "3", "files": ok_file}), "intercal-3 runtime is unknown"),
        (json!({"language": "python", "version": "2", "files": ok_file}), "python-2 runtime is unknown"),
        (
            json!({"language": "python", "version": "3", "files": []}),
            "files must include at least one utf8 encoded file",
        ),
        (
            json!({"language": "python", "version": "3", "files": [{"content": "AA==", "encoding": "base64"}]}),
            "files must include at least one utf8 encoded file",
        ),
        (
            json!({"language": "python", "version": "3", "files": ok_file, "run_timeout": "5"}),
            "If specified, run_timeout must be a number",
        ),
        (
            json!({"language": "python", "version": "3", "files": ok_file, "run_timeout": 3001}),
            "run_timeout cannot exceed the configured limit of 3000",
        ),
        (
            json!({"language": "python", "version": "3", "files": ok_file, "compile_memory_limit": 1e12}),
            "compile_memory_limit cannot exceed the configured limit of",
        ),
        (
            json!({"language": "python", "version": "3", "files": ok_file, "run_cpu_time": -2}),
            "run_cpu_time must be non-negative",
        ),
        (
            json!({"language": "python", "version": "3", "files": [{"name": "../x.py", "content": "1"}]}),
            "files[0].name must be a relative path",
        ),
    ];
    for (body, message) in cases {
        let (status, answer) = execute(&client, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {answer}");
        let text = answer["message"].as_str().unwrap_or_default();
        assert!(text.starts_with(message), "{body}: `{text}` is not `{message}`");
    }
    // Not JSON: 415 with Piston's message; malformed JSON: 400 {"message"}.
    let response = client.post_raw("/api/v2/execute", "text/plain", "{}").await;
    assert_error(
        crate::json_of(response).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "requests must be of type application/json",
    );
    let response = client.post_raw("/api/v2/execute", "application/json", "{nope").await;
    assert_error(crate::json_of(response).await, StatusCode::BAD_REQUEST, "Malformed JSON");

    // Trailing slash, alias, canonical name, full result shape.
    let (status, result) = client
        .post_json(
            "/api/v2/execute/",
            json!({"language": "py3", "version": "*", "files": [{"content": "print('hi')"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{result}");
    assert_eq!(result["language"], "python");
    let stage = &result["run"];
    for field in
        ["stdout", "stderr", "output", "code", "signal", "message", "status", "cpu_time", "wall_time", "memory"]
    {
        assert!(stage.get(field).is_some(), "run.{field} missing in {stage}");
    }
    assert_eq!(stage["stdout"], "hi\n");
    assert_eq!(stage["code"], 0);
    assert!(stage["status"].is_null() && stage["signal"].is_null());
    assert!(result.get("compile").is_none(), "python has no compile stage");

    // Every runtime: its smoke program with stdin and args, then a program that fails to compile.
    for (language, file, source) in SMOKE {
        let started = Instant::now();
        let result = run(
            &client,
            json!({"language": language, "version": "*", "files": [{"name": file, "content": source}], "stdin": "42", "args": ["arg1"]}),
        )
        .await;
        let stdout = result["run"]["stdout"].as_str().unwrap_or_default();
        assert!(stdout.starts_with("coderoom smoke ok 42") && stdout.contains("arg1"), "{language}: {result}");
        eprintln!("{language} smoke program: {:?}", started.elapsed());
    }
    for (language, source) in BROKEN {
        let result = run(&client, json!({"language": language, "version": "*", "files": [{"content": source}]})).await;
        let compile = &result["compile"];
        assert_eq!(compile["status"], "RE", "{language}: {result}");
        assert!(compile["code"].as_i64().is_some_and(|code| code != 0), "{language}: {result}");
        assert!(!compile["output"].as_str().unwrap_or_default().is_empty(), "{language}: compiler output");
        assert_eq!(result["run"], *compile, "{language}: run is a copy of compile");
    }

    // Statuses.
    let result = run(&client, python("import sys\nprint('out')\nprint('err', file=sys.stderr)\nsys.exit(3)")).await;
    assert_eq!((result["run"]["status"].clone(), result["run"]["code"].clone()), (json!("RE"), json!(3)));
    assert_eq!(result["run"]["stderr"], "err\n");
    assert!(result["run"]["output"].as_str().is_some_and(|o| o.contains("out\n") && o.contains("err\n")));
    let result = run(&client, python("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)")).await;
    assert_eq!((result["run"]["status"].clone(), result["run"]["signal"].clone()), (json!("SG"), json!("SIGSEGV")));
    assert!(result["run"]["code"].is_null());
    let mut body = python("import time\ntime.sleep(5)");
    body["run_timeout"] = json!(300);
    let result = run(&client, body).await;
    assert_eq!(result["run"]["status"], "TO", "{result}");
    assert!(result["run"]["wall_time"].as_u64().is_some_and(|ms| (300..2000).contains(&ms)), "{result}");
    let mut body = python("while True: pass");
    body["run_cpu_time"] = json!(200);
    let result = run(&client, body).await;
    assert_eq!(result["run"]["status"], "TO", "{result}");
    // 0 never means "unlimited": it is the configured limit.
    let mut body = python("import time\ntime.sleep(10)");
    body["run_timeout"] = json!(0);
    body["run_cpu_time"] = json!(0);
    // The wall time the sandbox measured, so a slow queue on a busy machine does not count.
    let result = run(&client, body).await;
    assert_eq!(result["run"]["status"], "TO", "{result}");
    assert!(result["run"]["wall_time"].as_u64().is_some_and(|ms| ms < 6000), "{result}");

    // Files: sub-folders, base64 and hex, main file = first utf8 file.
    let result = run(
        &client,
        json!({"language": "python", "version": "3", "files": [
            {"name": "blob.bin", "content": "AAEC/w==", "encoding": "base64"},
            {"name": "app/main.py", "content": "import sys\nsys.path.insert(0, 'lib')\nimport helper\nprint(helper.X, open('blob.bin','rb').read(), open('h.txt','rb').read(), open('lib/helper.py').read().strip())"},
            {"name": "lib/helper.py", "content": "X = 'helper'"},
            {"name": "h.txt", "content": "6869", "encoding": "hex"},
        ]}),
    )
    .await;
    assert_eq!(result["run"]["stdout"], "helper b'\\x00\\x01\\x02\\xff' b'hi' X = 'helper'\n", "{result}");
    // Unnamed files are file{i}.code; stdin gets a trailing newline.
    let result = run(
        &client,
        json!({"language": "python", "version": "3", "files": [{"content": "import sys\nprint(sys.argv[0], repr(sys.stdin.read()))"}], "stdin": "a\nb"}),
    )
    .await;
    assert_eq!(result["run"]["stdout"], "file0.code 'a\\nb\\n'\n");
}

#[tokio::test]
async fn attacks_are_contained() {
    let server = Server::start();
    let client = piston_client(&server).await;
    // An honest job keeps running correctly while the attacks run next to it.
    let honest = python("import time\nfor i in range(8):\n    print(i, flush=True)\n    time.sleep(0.2)");
    let honest_task = {
        let client = client.clone();
        let honest = honest.clone();
        tokio::spawn(async move {
            let mut results = Vec::new();
            for _ in 0..4 {
                results.push(client.post_json("/api/v2/execute", honest.clone()).await);
            }
            results
        })
    };

    type Check = Box<dyn Fn(&Value) -> bool + Send>;
    let attacks: Vec<(&str, Value, Check)> = vec![
        (
            "fork bomb",
            python("import os\nwhile True:\n    try: os.fork()\n    except OSError: pass"),
            Box::new(|r: &Value| r["status"] == "TO"),
        ),
        // Killed by the memory cgroup, or (on a machine busy enough to thrash first) by the
        // time limit; either way it never gets past the limit.
        (
            "memory bomb",
            python("a = []\nwhile True: a.append(bytearray(10**7))"),
            Box::new(|r: &Value| {
                (r["status"] == "SG" || r["status"] == "TO")
                    && r["signal"] == "SIGKILL"
                    && r["memory"].as_u64().is_some_and(|m| m <= 300 << 20)
            }),
        ),
        (
            "disk fill",
            python("f = open('big', 'wb')\nwhile True: f.write(b'x' * 10**6)"),
            Box::new(|r: &Value| r["status"] == "RE" || r["status"] == "SG"),
        ),
        (
            "output flood",
            python("while True: print('x' * 1000)"),
            Box::new(|r: &Value| {
                r["status"] == "OL"
                    && r["stdout"].as_str().is_some_and(|s| s.len() == 64 * 1024)
                    && r["message"] == "stdout length exceeded"
            }),
        ),
        (
            "stderr flood",
            python("import sys\nwhile True: sys.stderr.write('y' * 1000)"),
            Box::new(|r: &Value| r["status"] == "EL" && r["stderr"].as_str().is_some_and(|s| s.len() == 64 * 1024)),
        ),
        ("cpu spin", python("while True: pass"), Box::new(|r: &Value| r["status"] == "TO")),
        ("sleep forever", python("import time\ntime.sleep(10**6)"), Box::new(|r: &Value| r["status"] == "TO")),
        (
            "10000 threads",
            python(
                "import threading, time\nn = 0\ntry:\n    for _ in range(10000):\n        threading.Thread(target=time.sleep, args=(1,)).start(); n += 1\nexcept RuntimeError: print('refused after', n)",
            ),
            Box::new(|r: &Value| r["stdout"].as_str().is_some_and(|s| s.starts_with("refused after"))),
        ),
        // Network: only loopback exists; TCP, UDP and DNS to loopback-range addresses fail or
        // reach nothing outside the container.
        (
            "network",
            python(concat!(
                "import os, socket\n",
                "print(sorted(os.listdir('/sys/class/net')))\n",
                "s = socket.socket(); s.settimeout(1)\n",
                "try: s.connect(('127.0.0.1', 22)); print('tcp connected')\nexcept OSError as e: print('tcp', e.errno)\n",
                "u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n",
                "try: u.sendto(b'x', ('127.0.0.53', 53)); print('udp sent to loopback only')\nexcept OSError as e: print('udp', e.errno)\n",
                "try: socket.getaddrinfo('example.invalid', 80); print('dns resolved')\nexcept OSError: print('dns failed')\n",
                "print(open('/proc/net/route').read().count('\\n'))",
            )),
            Box::new(|r: &Value| {
                let out = r["stdout"].as_str().unwrap_or_default();
                // Only "lo"; no routes at all (just the header line).
                out.starts_with("['lo']\n")
                    && out.contains("dns failed")
                    && !out.contains("tcp connected")
                    && out.trim_end().ends_with('1')
            }),
        ),
        (
            "host files and environment",
            python(concat!(
                "import os\n",
                "print(sorted(os.environ))\n",
                "for p in ['/proc/1/environ', '/var/run/docker.sock', '/run/docker.sock', '/etc/shadow']:\n",
                "    try: open(p, 'rb').read(1); print('read', p)\n",
                "    except OSError as e: print('denied', p)\n",
                "print(os.getuid(), os.geteuid())\n",
                "print(open('/proc/self/status').read().split('CapEff:')[1].split()[0])",
            )),
            Box::new(|r: &Value| {
                let out = r["stdout"].as_str().unwrap_or_default();
                !out.contains("read ")
                    && !out.contains("CODEROOM")
                    && out.contains("60000 60000")
                    && out.trim_end().ends_with("0000000000000000")
            }),
        ),
        (
            "write outside the workspace",
            python(concat!(
                "for p in ['/etc/x', '/usr/bin/x', '/x', '/proc/sys/kernel/hostname']:\n",
                "    try: open(p, 'w').write('x'); print('wrote', p)\n",
                "    except OSError: print('refused', p)",
            )),
            Box::new(|r: &Value| !r["stdout"].as_str().unwrap_or("wrote").contains("wrote")),
        ),
        (
            "huge args",
            json!({"language": "python", "version": "3", "files": [{"content": "import sys; print(len(sys.argv))"}], "args": vec!["a".repeat(1000); 150]}),
            Box::new(|r: &Value| r["stdout"] == "151\n"),
        ),
        (
            "huge stdin",
            json!({"language": "python", "version": "3", "files": [{"content": "import sys; print(len(sys.stdin.read()))"}], "stdin": "z".repeat(200_000)}),
            Box::new(|r: &Value| r["stdout"] == "200001\n"),
        ),
    ];
    let checks = attacks.into_iter().map(|(name, body, check)| {
        let client = client.clone();
        async move {
            let (status, result) = client.post_json("/api/v2/execute", body).await;
            assert_eq!(status, StatusCode::OK, "{name}: {result}");
            assert!(check(&result["run"]), "{name} not contained: {}", result["run"]);
        }
    });
    futures::future::join_all(checks).await;

    // Nothing a job leaves behind reaches the next one, in any warm container.
    let spy = python(concat!(
        "import os, subprocess\n",
        "subprocess.Popen(['sleep', '1000'], start_new_session=True)\n",
        "open('/tmp/secret', 'w').write('x'); open('left-behind', 'w').write('x')\n",
        "print('planted')",
    ));
    for _ in 0..8 {
        assert_eq!(run(&client, spy.clone()).await["run"]["stdout"], "planted\n");
    }
    let probe = python(concat!(
        "import os\n",
        "procs = [p for p in os.listdir('/proc') if p.isdigit() and p not in ('1', str(os.getpid()))]\n",
        "cmds = [open('/proc/%s/cmdline' % p, 'rb').read() for p in procs]\n",
        "print(sum(b'sleep' in c for c in cmds), os.listdir('/tmp'), sorted(os.listdir('.')))",
    ));
    for _ in 0..8 {
        assert_eq!(run(&client, probe.clone()).await["run"]["stdout"], "0 [] ['main.py']\n");
    }

    for (status, result) in honest_task.await.expect("honest job") {
        assert_eq!(status, StatusCode::OK);
        assert_eq!(result["run"]["stdout"], "0\n1\n2\n3\n4\n5\n6\n7\n", "honest job disturbed: {result}");
    }
    // The server is still healthy.
    let (status, ready) = server.anon().get_json("/readyz").await;
    assert_eq!(status, StatusCode::OK, "{ready}");
    assert_eq!(ready["components"]["sandbox"]["status"], "ok");
}

async fn next_json(
    socket: &mut tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>,
) -> Result<Value, Option<u16>> {
    loop {
        match tokio::time::timeout(Duration::from_secs(20), socket.next()).await.expect("websocket message in time") {
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text).expect("json frame")),
            Some(Ok(Message::Close(frame))) => return Err(frame.map(|f| u16::from(f.code))),
            Some(Ok(_)) => continue,
            _ => return Err(None),
        }
    }
}

#[tokio::test]
async fn interactive_websocket() {
    let server = Server::start();
    let cookie = piston_client(&server).await.cookie.expect("cookie");
    let connect = || async { crate::piston_access::connect(&server, &[("cookie", &cookie)]).await.expect("connect") };

    // Streaming output, interactive stdin, and a signal that reaches the process.
    let mut socket = connect().await;
    let source = concat!(
        "import os, signal, sys, time\n",
        // os.write and os._exit, because a print from a handler can land inside the main
        // thread's print and fail as a reentrant call on the stdout buffer.
        "signal.signal(signal.SIGUSR1, lambda *a: (os.write(1, b'got SIGUSR1\\n'), os._exit(7)))\n",
        "print('ready', flush=True)\n",
        "line = sys.stdin.readline()\n",
        "print('echo ' + line.strip(), flush=True)\n",
        "time.sleep(30)",
    );
    let init = json!({"type": "init", "language": "python", "version": "3", "files": [{"content": source}], "run_timeout": 3000});
    socket.send(Message::Text(init.to_string().into())).await.expect("send init");
    assert_eq!(
        next_json(&mut socket).await.expect("runtime"),
        json!({"type": "runtime", "language": "python", "version": "3.13.5"})
    );
    assert_eq!(next_json(&mut socket).await.expect("stage"), json!({"type": "stage", "stage": "run"}));
    assert_eq!(
        next_json(&mut socket).await.expect("ready"),
        json!({"type": "data", "stream": "stdout", "data": "ready\n"})
    );
    socket
        .send(Message::Text(json!({"type": "data", "stream": "stdin", "data": "hello\n"}).to_string().into()))
        .await
        .expect("stdin");
    assert_eq!(
        next_json(&mut socket).await.expect("echo"),
        json!({"type": "data", "stream": "stdout", "data": "echo hello\n"})
    );
    socket
        .send(Message::Text(json!({"type": "signal", "signal": "SIGUSR1"}).to_string().into()))
        .await
        .expect("signal");
    assert_eq!(
        next_json(&mut socket).await.expect("handler"),
        json!({"type": "data", "stream": "stdout", "data": "got SIGUSR1\n"})
    );
    assert_eq!(
        next_json(&mut socket).await.expect("exit"),
        json!({"type": "exit", "stage": "run", "code": 7, "signal": null})
    );
    assert_eq!(next_json(&mut socket).await, Err(Some(4999)));

    // SIGKILL ends a program that ignores everything else.
    let mut socket = connect().await;
    let init = json!({"type": "init", "language": "python", "version": "3", "files": [{"content": "import time\nprint('x', flush=True)\ntime.sleep(30)"}]});
    socket.send(Message::Text(init.to_string().into())).await.expect("init");
    for _ in 0..3 {
        next_json(&mut socket).await.expect("runtime, stage, data");
    }
    socket
        .send(Message::Text(json!({"type": "signal", "signal": "SIGKILL"}).to_string().into()))
        .await
        .expect("signal");
    let exit = next_json(&mut socket).await.expect("exit");
    assert_eq!((exit["type"].clone(), exit["signal"].clone()), (json!("exit"), json!("SIGKILL")));
    assert_eq!(next_json(&mut socket).await, Err(Some(4999)));

    // Protocol errors and their close codes.
    let mut socket = connect().await;
    assert_eq!(next_json(&mut socket).await, Err(Some(4001)), "no init within a second");
    let mut socket = connect().await;
    socket
        .send(Message::Text(json!({"type": "data", "stream": "stdin", "data": "x"}).to_string().into()))
        .await
        .expect("send");
    assert_eq!(next_json(&mut socket).await, Err(Some(4003)));
    let mut socket = connect().await;
    socket.send(Message::Text(json!({"type": "init", "language": "python"}).to_string().into())).await.expect("send");
    assert_eq!(
        next_json(&mut socket).await,
        Ok(json!({"type": "error", "message": "version is required as a string"}))
    );
    assert_eq!(next_json(&mut socket).await, Err(Some(4002)));
    let mut socket = connect().await;
    let init = json!({"type": "init", "language": "python", "version": "3", "files": [{"content": "import time; time.sleep(2)"}]});
    socket.send(Message::Text(init.to_string().into())).await.expect("init");
    next_json(&mut socket).await.expect("runtime");
    socket.send(Message::Text(json!({"type": "signal", "signal": "SIGNOPE"}).to_string().into())).await.expect("send");
    let mut last = Ok(json!(null));
    while last.is_ok() {
        last = next_json(&mut socket).await;
    }
    assert_eq!(last, Err(Some(4005)));
    let mut socket = connect().await;
    socket.send(Message::Text(init.to_string().into())).await.expect("init");
    next_json(&mut socket).await.expect("runtime");
    socket.send(Message::Text(init.to_string().into())).await.expect("second init");
    let mut last = Ok(json!(null));
    while last.is_ok() {
        last = next_json(&mut socket).await;
    }
    assert_eq!(last, Err(Some(4000)));
}

#[tokio::test]
async fn capacity_is_bounded() {
    let server = Server::start_with_env(&[
        ("CODEROOM_SANDBOX_MAX_CONCURRENT_JOBS", "1"),
        ("CODEROOM_SANDBOX_MAX_QUEUED_JOBS", "2"),
        ("CODEROOM_SANDBOX_MAX_QUEUED_PER_USER", "2"),
        ("CODEROOM_SANDBOX_WARM_CONTAINERS", "2"),
    ]);
    // Long enough that the first job is still running when the sixth request arrives, even
    // on a busy machine.
    let slow = python("import time\ntime.sleep(2)\nprint('done')");
    let client = piston_client(&server).await;
    let requests = (0..6).map(|_| {
        let client = client.clone();
        let slow = slow.clone();
        async move {
            let response = client.post("/api/v2/execute", slow).await;
            let retry_after = response.headers().get("retry-after").and_then(|v| v.to_str().ok()).map(str::to_string);
            (response.status(), retry_after)
        }
    });
    let answers = futures::future::join_all(requests).await;
    let ok = answers.iter().filter(|(status, _)| *status == StatusCode::OK).count();
    let refused: Vec<_> = answers.iter().filter(|(status, _)| *status == StatusCode::TOO_MANY_REQUESTS).collect();
    assert_eq!(ok, 3, "one running and two queued: {answers:?}");
    assert_eq!(refused.len(), 3, "{answers:?}");
    assert!(
        refused.iter().all(|(_, retry)| retry.as_deref().and_then(|r| r.parse::<u64>().ok()).is_some_and(|r| r >= 1))
    );
    // Afterwards the server takes work again.
    assert_eq!(run(&client, python("print('again')")).await["run"]["stdout"], "again\n");
}

#[tokio::test]
async fn docker_outage_degrades_only_the_sandbox() {
    let server = Server::start_with_env(&[("CODEROOM_SANDBOX_DOCKER_HOST", "unix:///nonexistent/docker.sock")]);
    let client = piston_client(&server).await;
    let (status, ready) = client.get_json("/readyz").await;
    assert_eq!(status, StatusCode::OK, "the rest of coderoom is ready: {ready}");
    assert_eq!(ready["components"]["sandbox"]["status"], "degraded");
    assert!(ready["components"]["sandbox"]["message"].as_str().is_some_and(|m| m.contains("Docker")));
    assert_eq!(client.get_json("/api/v2/runtimes").await, (StatusCode::OK, json!([])));
    assert_error(
        execute(&client, python("print(1)")).await,
        StatusCode::SERVICE_UNAVAILABLE,
        "Docker engine not reachable",
    );
    // Validation still answers first.
    assert_error(
        execute(&client, json!({"language": "python"})).await,
        StatusCode::BAD_REQUEST,
        "version is required as a string",
    );
    assert_eq!(client.get_json("/health").await.0, StatusCode::OK);
}
