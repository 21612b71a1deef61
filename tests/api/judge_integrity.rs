//! The judge against a candidate who attacks it, in every judged language: hidden inputs never
//! reach the submitter, a replaced clock or forged result records cannot pass a slow or wrong
//! solution, prints cannot crowd out results; and the sandbox's own odds and ends (message
//! queues between jobs, an agent that stops answering). Real binary, real Docker sandbox.

use std::collections::HashSet;
use std::process::Command;
use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{Client, Server};

/// Every hidden number of two-sum with eight or more digits (no visible test has one): if any
/// of them shows up in a response, a hidden input leaked. Long enough not to occur by chance
/// in ids, nonces, times or sizes.
fn hidden_needles() -> HashSet<String> {
    let text = std::fs::read_to_string("problems/two-sum/tests.json").expect("two-sum tests");
    let tests: Value = serde_json::from_str(&text).expect("tests.json");
    let mut needles = HashSet::new();
    for test in tests["hidden"].as_array().expect("hidden") {
        let input = &test["input"];
        let numbers = input["nums"].as_array().expect("nums").iter().chain([&input["target"]]);
        for number in numbers.filter_map(Value::as_i64) {
            if number.unsigned_abs() >= 10_000_000 {
                needles.insert(number.unsigned_abs().to_string());
            }
        }
    }
    needles
}

/// Every run of decimal digits anywhere in `text`, in numbers and inside strings alike.
fn digit_runs(text: &str) -> HashSet<&str> {
    text.split(|c: char| !c.is_ascii_digit()).filter(|run| !run.is_empty()).collect()
}

/// What each language's submission tries: print the stdin it can reach (the driver's buffer or
/// global, `/proc/self/fd/0`, stdin itself), to its captured output, to stderr and to fd 1
/// directly, and (Python, Ruby, PHP, C#, Swift) put a hidden input into an exception or a
/// fatal error's message.
const LEAKS: &[(&str, &str)] = &[
    (
        "python",
        r#"import os, sys

def twoSum(nums, target):
    data = getattr(sys.modules["__main__"], "_DATA", b"")[:2000]
    print(data.decode("latin-1"))
    print(data.decode("latin-1"), file=sys.stderr)
    os.write(1, data[:300] + b"\n")
    os.write(2, data[:300] + b"\n")
    try:
        print(open("/proc/self/fd/0", "rb").read()[:2000])
        print(sys.stdin.read()[:2000])
    except (OSError, ValueError) as err:
        print(err)
    if len(nums) > 50:
        raise ValueError(repr(nums[:300]))
    return [0, 1]
"#,
    ),
    (
        "javascript",
        r#"const leakFs = require("fs");
const leakRead = leakFs.readFileSync;
let stolen = "";
leakFs.readFileSync = function (...args) {
    const data = leakRead.apply(leakFs, args);
    if (args[0] === 0) stolen = data.toString("latin1");
    return data;
};
function twoSum(nums, target) {
    const head = stolen.slice(0, 2000);
    console.log(head);
    console.error(head);
    try { leakFs.writeSync(1, head.slice(0, 300) + "\n"); } catch (e) {}
    try { console.log(leakRead.call(leakFs, "/proc/self/fd/0", "latin1").slice(0, 2000)); } catch (e) { console.log(String(e)); }
    if (nums.length > 50) throw new Error(JSON.stringify(nums.slice(0, 300)));
    return [0, 1];
}
"#,
    ),
    (
        "typescript",
        r#"const leakFs: any = require("fs");
const leakRead: any = leakFs.readFileSync;
let stolen: string = "";
leakFs.readFileSync = function (...args: any[]) {
    const data: any = leakRead.apply(leakFs, args);
    if (args[0] === 0) stolen = data.toString("latin1");
    return data;
};
function twoSum(nums: number[], target: number): number[] {
    const head: string = stolen.slice(0, 2000);
    console.log(head);
    console.error(head);
    try { leakFs.writeSync(1, head.slice(0, 300) + "\n"); } catch (e) {}
    try { console.log(leakRead.call(leakFs, "/proc/self/fd/0", "latin1").slice(0, 2000)); } catch (e) { console.log(String(e)); }
    return [0, 1];
}
"#,
    ),
    (
        "java",
        r#"class Solution {
    public int[] twoSum(int[] nums, int target) {
        int n = Math.min(2000, Main.D.length);
        String head = new String(Main.D, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        System.out.print(head);
        System.err.print(head);
        try {
            java.io.FileOutputStream out = new java.io.FileOutputStream(java.io.FileDescriptor.out);
            out.write(Main.D, 0, Math.min(300, n));
            out.write('\n');
            out.flush();
            byte[] again = java.nio.file.Files.readAllBytes(java.nio.file.Paths.get("/proc/self/fd/0"));
            System.out.print(new String(again, 0, Math.min(2000, again.length)));
        } catch (Exception e) {
            System.out.print(e);
        }
        if (nums.length > 50) throw new RuntimeException(Arrays.toString(Arrays.copyOf(nums, 300)));
        return new int[] {0, 1};
    }
}
"#,
    ),
    (
        "c",
        r#"static char *cr_D; static size_t cr_N;
int* twoSum(int* nums, int numsSize, int target, int* returnSize) {
    size_t n = cr_N < 2000 ? cr_N : 2000;
    fwrite(cr_D, 1, n, stdout);
    fwrite(cr_D, 1, n, stderr);
    if (write(1, cr_D, n < 300 ? n : 300) < 0 || write(1, "\n", 1) < 0) {}
    FILE *again = fopen("/proc/self/fd/0", "rb");
    if (again) { char b[2000]; size_t got = fread(b, 1, sizeof b, again); fwrite(b, 1, got, stdout); fclose(again); }
    int *answer = malloc(2 * sizeof *answer);
    answer[0] = 0; answer[1] = 1; *returnSize = 2;
    return answer;
}
"#,
    ),
    (
        "cpp",
        r#"static std::string stolen = [] {
    std::string all; char b[65536]; ssize_t n;
    while ((n = read(0, b, sizeof b)) > 0) all.append(b, (size_t) n);
    FILE *copy = tmpfile();
    fwrite(all.data(), 1, all.size(), copy); fflush(copy); rewind(copy);
    dup2(fileno(copy), 0);
    return all;
}();
vector<int> twoSum(vector<int>& nums, int target) {
    string head = stolen.substr(0, 2000);
    cout << head;
    cerr << head;
    if (write(1, head.data(), min<size_t>(300, head.size())) < 0 || write(1, "\n", 1) < 0) {}
    return {0, 1};
}
"#,
    ),
    (
        "go",
        r#"package main

import (
	"fmt"
	"os"
	"syscall"
)

func twoSum(nums []int, target int) []int {
	n := len(coderoomD)
	if n > 2000 {
		n = 2000
	}
	fmt.Print(string(coderoomD[:n]))
	os.Stderr.Write(coderoomD[:n])
	syscall.Write(1, append(append([]byte{}, coderoomD[:n/10]...), '\n'))
	if again, err := os.ReadFile("/proc/self/fd/0"); err == nil && len(again) > 0 {
		fmt.Print(string(again))
	}
	return []int{0, 1}
}
"#,
    ),
    (
        "rust",
        r#"static mut STOLEN: Vec<u8> = Vec::new();
unsafe extern "C" {
    fn read(fd: i32, buf: *mut u8, n: usize) -> isize;
    fn write(fd: i32, buf: *const u8, n: usize) -> isize;
    fn dup2(from: i32, to: i32) -> i32;
}
// Runs before main: takes the whole stdin, then hands the driver a copy.
#[used]
#[unsafe(link_section = ".init_array")]
static STEAL: extern "C" fn() = steal;
extern "C" fn steal() {
    use std::os::unix::io::IntoRawFd;
    let mut all = Vec::new();
    let mut buf = [0u8; 65536];
    loop {
        let n = unsafe { read(0, buf.as_mut_ptr(), buf.len()) };
        if n <= 0 { break; }
        all.extend_from_slice(&buf[..n as usize]);
    }
    if std::fs::write("/tmp/stolen", &all).is_ok() {
        if let Ok(copy) = std::fs::File::open("/tmp/stolen") {
            unsafe { dup2(copy.into_raw_fd(), 0); }
        }
    }
    unsafe { STOLEN = all; }
}
fn two_sum(nums: Vec<i32>, target: i32) -> Vec<i32> {
    let stolen = unsafe { &*std::ptr::addr_of!(STOLEN) };
    let head = &stolen[..stolen.len().min(2000)];
    print!("{}", String::from_utf8_lossy(head));
    eprint!("{}", String::from_utf8_lossy(head));
    unsafe { write(1, head.as_ptr(), head.len().min(300)); write(1, "\n".as_ptr(), 1); }
    vec![0, 1]
}
"#,
    ),
    (
        "ruby",
        r#"def two_sum(nums, target)
  data = CoderoomDriver.instance_variable_get(:@input).string.byteslice(0, 2000)
  puts data
  warn data
  STDOUT.syswrite(data.byteslice(0, 300) + "\n")
  STDERR.syswrite(data.byteslice(0, 300) + "\n")
  begin
    puts File.binread("/proc/self/fd/0", 2000)
    puts $stdin.read.to_s[0, 2000]
  rescue StandardError => e
    puts e.message
  end
  raise ArgumentError, nums.first(300).inspect if nums.length > 50
  [0, 1]
end
"#,
    ),
    (
        "php",
        r#"class Solution {
    function twoSum($nums, $target) {
        $head = substr((new ReflectionProperty('CoderoomDriver', 'd'))->getValue(), 0, 2000);
        echo $head;
        fwrite(STDERR, $head);
        fwrite(STDOUT, substr($head, 0, 300) . "\n");
        echo substr((string) @file_get_contents('/proc/self/fd/0'), 0, 2000);
        echo substr((string) stream_get_contents(STDIN), 0, 2000);
        if (count($nums) > 50) throw new RuntimeException(json_encode(array_slice($nums, 0, 300)));
        return [0, 1];
    }
}
"#,
    ),
    (
        "csharp",
        r#"public class Solution {
    public int[] TwoSum(int[] nums, int target) {
        var buffer = Type.GetType("CoderoomDriver").GetField("D", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static);
        var data = (byte[]) buffer.GetValue(null);
        string head = Encoding.GetEncoding(28591).GetString(data, 0, Math.Min(2000, data.Length));
        Console.Write(head);
        Console.Error.Write(head);
        using (var stdout = Console.OpenStandardOutput()) { stdout.Write(data, 0, Math.Min(300, data.Length)); }
        try { Console.Write(System.IO.File.ReadAllText("/proc/self/fd/0")); } catch (Exception e) { Console.Write(e.Message); }
        if (nums.Length > 50) throw new ArgumentException(string.Join(",", nums.Take(300)));
        return new[] { 0, 1 };
    }
}
"#,
    ),
    (
        "swift",
        r#"import Glibc

class Solution {
    func twoSum(_ nums: [Int], _ target: Int) -> [Int] {
        let head = Array(crD.prefix(2000))
        print(String(decoding: head, as: UTF8.self))
        head.withUnsafeBytes { _ = write(2, $0.baseAddress, $0.count) }
        var again = [UInt8](repeating: 0, count: 2000)
        let fd = open("/proc/self/fd/0", O_RDONLY)
        if fd >= 0 {
            let n = read(fd, &again, again.count)
            if n > 0 { print(String(decoding: again[0..<n], as: UTF8.self)) }
        }
        if nums.count > 50 { fatalError("\(nums.prefix(300))") }
        return [0, 1]
    }
}
"#,
    ),
];

async fn submit(client: &Client, slug: &str, language: &str, code: &str) -> Value {
    let path = format!("/api/problems/{slug}/submit");
    let (status, body) = client.post_json(&path, json!({"language": language, "code": code})).await;
    assert_eq!(status, StatusCode::OK, "{slug} in {language}: {body}");
    body
}

/// In every judged language, a submission that reaches for the hidden inputs (stdin, its copy
/// in the driver's memory, `/proc/self/fd/0`, fd 1 and 2, exception text) gets none of them
/// back: the response holds no hidden number, only the hidden tests' counts and status.
#[tokio::test]
async fn submissions_cannot_read_hidden_inputs_in_any_language() {
    let needles = hidden_needles();
    assert!(needles.len() > 1000, "two-sum has large hidden inputs ({} needles)", needles.len());
    let server = Server::start();
    let (client, _) = server.user("Leaker").await;
    let mut leaks = Vec::new();
    for (language, code) in LEAKS {
        let body = submit(&client, "two-sum", language, code).await;
        let result = &body["result"];
        assert_ne!(result["verdict"], "compile_error", "{language}: the attack must run: {result}");
        assert_ne!(result["verdict"], "accepted", "{language}: {result}");
        assert_eq!(result["tests"].as_array().map(Vec::len), Some(3), "{language}: {result}");
        assert!(result["hidden"]["total"].as_u64().unwrap_or(0) >= 10, "{language}: {result}");
        let text = body.to_string();
        let leaked: Vec<&str> = digit_runs(&text).into_iter().filter(|run| needles.contains(*run)).collect();
        if !leaked.is_empty() {
            leaks.push(format!(
                "{language}: {} hidden numbers, e.g. {:?}",
                leaked.len(),
                &leaked[..leaked.len().min(3)]
            ));
        }
    }
    assert!(leaks.is_empty(), "hidden inputs reached the submitter:\n{}", leaks.join("\n"));
}

/// Python solutions that are correct but need more CPU than the problem allows (two-sum:
/// 2 s) must not pass by lying about their time: one replaces every clock the driver could
/// read, the other reads the run's nonce from the driver's memory and writes fake records
/// (right answers, 0 ms) after the real ones. Both stay within the sandbox's own 3 s cap, so
/// only the judge's time limit stands between them and "accepted".
#[tokio::test]
async fn replaced_clocks_and_forged_records_cannot_pass_slow_solutions() {
    let server = Server::start();
    let (client, _) = server.user("Forger").await;
    let solve = r#"
def _solve(nums, target):
    seen = {}
    for i, x in enumerate(nums):
        if target - x in seen:
            return [seen[target - x], i]
        seen[x] = i
    return []

def _burn(seconds):
    end = _cpu() + seconds
    while _cpu() < end:
        pass
"#;
    let clock = format!(
        r#"import time
_cpu = time.process_time
{solve}
for _name in ("perf_counter", "monotonic", "time", "process_time", "thread_time",
              "perf_counter_ns", "monotonic_ns", "time_ns", "process_time_ns", "thread_time_ns"):
    setattr(time, _name, lambda: 0)

def twoSum(nums, target):
    if len(nums) > 50000:
        _burn(1.15)
    return _solve(nums, target)
"#
    );
    let forged = format!(
        r#"import atexit, json, os, sys, time
_cpu = time.process_time
{solve}
_calls = {{"next": 0, "last": None}}

def _forge(index, answer):
    nonce = sys.modules["__main__"]._DATA.split(None, 1)[0].decode()
    line = "%s %s\n" % (nonce, json.dumps({{"i": index, "s": "ok", "v": answer, "ms": 0.001, "o": ""}}))
    for fd in (1, 3):
        try:
            os.write(fd, line.encode())
        except OSError:
            pass

def _forge_last():
    if _calls["last"] is not None:
        _forge(*_calls["last"])

atexit.register(_forge_last)

def twoSum(nums, target):
    _forge_last()
    if len(nums) > 50000:
        _burn(1.15)
    answer = _solve(nums, target)
    _calls["last"] = (_calls["next"], answer)
    _calls["next"] += 1
    return answer
"#
    );
    for (name, code) in [("replaced clocks", clock), ("forged records", forged)] {
        let body = submit(&client, "two-sum", "python", &code).await;
        let verdict = &body["result"]["verdict"];
        assert_ne!(verdict, "accepted", "{name}: a slow solution passed: {body}");
        assert!(verdict == "time_limit" || verdict == "runtime_error", "{name}: {body}");
    }
    // A forged record cannot pass a wrong answer either, even on a test whose expected value
    // the candidate knows (the visible ones).
    let wrong = r#"import json, os, sys

def twoSum(nums, target):
    nonce = sys.modules["__main__"]._DATA.split(None, 1)[0].decode()
    for index, answer in enumerate([[0, 1], [1, 2], [0, 1]]):
        line = "%s %s\n" % (nonce, json.dumps({"i": index, "s": "ok", "v": answer, "ms": 0.001, "o": ""}))
        for fd in (1, 3):
            try:
                os.write(fd, line.encode())
            except OSError:
                pass
    return [5, 5]
"#;
    let body = submit(&client, "two-sum", "python", wrong).await;
    assert_ne!(body["result"]["verdict"], "accepted", "{body}");
}

/// Ruby and PHP solutions that read the run's nonce from the driver's memory and write
/// records with the visible tests' right answers (to the result channel and to stdout) before
/// returning a wrong one are not accepted.
#[tokio::test]
async fn forged_records_cannot_pass_wrong_answers_in_ruby_and_php() {
    let server = Server::start();
    let (client, _) = server.user("Forger").await;
    let ruby = r##"require "json"

def two_sum(nums, target)
  nonce = CoderoomDriver.instance_variable_get(:@input).string.split(" ", 2).first
  channel = IO.new(3, "w", autoclose: false)
  [[0, 1], [1, 2], [0, 1]].each_with_index do |answer, index|
    line = "#{nonce} #{JSON.generate({ i: index, s: "ok", v: answer, ms: 0.001, o: "" })}\n"
    STDOUT.syswrite(line)
    channel.syswrite(line)
  end
  [5, 5]
end
"##;
    let php = r#"class Solution {
    function twoSum($nums, $target) {
        $nonce = (new ReflectionProperty('CoderoomDriver', 'nonce'))->getValue();
        $channel = fopen('php://fd/3', 'w');
        foreach ([[0, 1], [1, 2], [0, 1]] as $index => $answer) {
            $line = $nonce . ' ' . json_encode(['i' => $index, 's' => 'ok', 'v' => $answer, 'ms' => 0.001, 'o' => '']) . "\n";
            fwrite(STDOUT, $line);
            fwrite($channel, $line);
        }
        return [5, 5];
    }
}
"#;
    for (language, code) in [("ruby", ruby), ("php", php)] {
        let body = submit(&client, "two-sum", language, code).await;
        let verdict = &body["result"]["verdict"];
        assert_ne!(verdict, "accepted", "{language}: a forged record passed a wrong answer: {body}");
        assert_ne!(verdict, "compile_error", "{language}: the attack must run: {body}");
    }
}

/// Debug prints do not count against the room the driver's results need: reverse-string's
/// answers are large, and a right answer with a few KiB of prints per test is still accepted.
#[tokio::test]
async fn debug_prints_do_not_turn_right_answers_into_output_limit() {
    let server = Server::start();
    let (client, _) = server.user("Printer").await;
    let code = r#"def reverseString(s):
    print("debug:", "".join(s) * 2, "x" * 5000)
    s.reverse()
"#;
    let body = submit(&client, "reverse-string", "python", code).await;
    assert_eq!(body["result"]["verdict"], "accepted", "{body}");
    let output = body["result"]["tests"][0]["output"].as_str().expect("output");
    assert!(output.starts_with("debug:"), "{output}");
}

fn python(source: &str) -> Value {
    json!({"language": "python", "version": "3.x", "files": [{"name": "main.py", "content": source}]})
}

/// The start time of the container's PID 1 (the agent): the same value in two jobs means the
/// same warm container ran both.
const AGENT_START: &str = "print('agent', open('/proc/1/stat').read().rsplit(')', 1)[1].split()[19])\n";

/// A POSIX message queue created by one job is gone when the next job runs in the same warm
/// container (they outlive their processes, like files in /tmp).
#[tokio::test]
async fn message_queues_do_not_survive_into_the_next_job() {
    let server = Server::start_with_env(&[("CODEROOM_SANDBOX_WARM_CONTAINERS", "1")]);
    let (client, _) = server.user("Queue").await;
    let queue = r#"import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
flags = os.O_RDWR | (os.O_CREAT if CREATE else 0)
fd = libc.mq_open(b"/coderoom-leftover", flags, 0o600, None)
print("open", fd >= 0, sorted(os.listdir("/dev/mqueue")))
"#;
    let run = |create: bool| {
        let source = format!("CREATE = {}\n{queue}{AGENT_START}", if create { "True" } else { "False" });
        client.post_json("/api/v2/execute", python(&source))
    };
    let agent = |out: &str| out.lines().find(|l| l.starts_with("agent")).map(str::to_string);
    // The pool starts a fresh container when a returning one is overdue (a loaded machine can
    // take seconds to clean one): then the pair proves nothing, and is tried again.
    for _ in 0..5 {
        let (status, first) = run(true).await;
        assert_eq!(status, StatusCode::OK, "{first}");
        let first = first["run"]["stdout"].as_str().unwrap_or_default().to_string();
        assert!(first.starts_with("open True ['coderoom-leftover']"), "{first}");
        let (status, second) = run(false).await;
        assert_eq!(status, StatusCode::OK, "{second}");
        let second = second["run"]["stdout"].as_str().unwrap_or_default().to_string();
        if agent(&first) == agent(&second) {
            assert!(second.starts_with("open False []"), "the queue survived into the next job: {second}");
            return;
        }
    }
    panic!("no two consecutive jobs ran in the same warm container");
}

/// A container whose agent stops answering (frozen with `docker pause`) fails the job within
/// the stage deadline instead of holding a slot forever, and is replaced: the next job runs.
#[tokio::test]
async fn a_hung_sandbox_agent_is_replaced() {
    let server = Server::start_with_env(&[("CODEROOM_SANDBOX_WARM_CONTAINERS", "1")]);
    let (client, _) = server.user("Freezer").await;
    let hello = python("print('hello')");
    let (status, body) = client.post_json("/api/v2/execute", hello.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["run"]["stdout"], "hello\n", "{body}");

    let host = std::fs::read_to_string("/proc/sys/kernel/hostname").expect("hostname");
    let owner = format!("label=org.coderoom.owner={}:{}", host.trim(), server.pid());
    // The container that ran the first job may still be on its way out (and its replacement on
    // its way in) when we look, so freeze whatever is running until nothing unfrozen is left.
    let mut containers: Vec<String> = Vec::new();
    let mut quiet_looks = 0;
    for _ in 0..40 {
        let listed = Command::new("docker")
            .args(["ps", "-q", "--filter", &owner, "--filter", "status=running"])
            .output()
            .expect("docker ps");
        let running: Vec<String> = String::from_utf8_lossy(&listed.stdout)
            .split_whitespace()
            .filter(|id| !containers.contains(&id.to_string()))
            .map(String::from)
            .collect();
        quiet_looks = if running.is_empty() && !containers.is_empty() { quiet_looks + 1 } else { 0 };
        if quiet_looks == 3 {
            break;
        }
        for id in running {
            let paused = Command::new("docker").args(["pause", &id]).output().expect("docker pause");
            if paused.status.success() {
                containers.push(id);
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(!containers.is_empty(), "no warm container for {owner}");
    let outcome =
        tokio::time::timeout(Duration::from_secs(40), client.post_json("/api/v2/execute", hello.clone())).await;
    let unpause = || {
        for id in &containers {
            let _ = Command::new("docker").args(["unpause", id]).output();
        }
    };
    let Ok((status, body)) = outcome else {
        unpause();
        panic!("a job on a frozen container never ended");
    };
    assert!(
        status != StatusCode::OK || body["run"]["status"] == "XX",
        "the frozen container cannot have run the job: {status} {body}"
    );
    let (status, body) = client.post_json("/api/v2/execute", hello).await;
    unpause();
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["run"]["stdout"], "hello\n", "a fresh container runs the next job: {body}");
    // The frozen container is removed, not kept or handed out again.
    let mut left = containers.clone();
    for _ in 0..20 {
        left.retain(|id| {
            let listed = Command::new("docker").args(["ps", "-aq", "--filter", &format!("id={id}")]).output();
            listed.is_ok_and(|out| !String::from_utf8_lossy(&out.stdout).trim().is_empty())
        });
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(left.is_empty(), "the frozen container was not removed: {left:?}");
}
