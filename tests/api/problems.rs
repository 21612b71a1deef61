//! The problem library and the judge, through the real binary; submitted code runs in the
//! Docker sandbox, as in production.

use std::process::Command;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::{BINARY, Server, assert_error};

const TWO_SUM_PY: &str = "def twoSum(nums, target):\n    seen = {}\n    for i, x in enumerate(nums):\n        if target - x in seen:\n            return [seen[target - x], i]\n        seen[x] = i\n";

#[tokio::test]
async fn library_lists_and_shows_without_hidden_data() {
    let server = Server::start();
    let (client, _) = server.admin("Reader").await;
    assert_error(server.anon().get_json("/api/problems").await, StatusCode::UNAUTHORIZED, "Sign in");

    let (status, body) = client.get_json("/api/problems").await;
    assert_eq!(status, StatusCode::OK);
    let problems = body["problems"].as_array().expect("problems");
    assert!(problems.len() >= 15, "{} problems", problems.len());
    for difficulty in ["easy", "medium", "hard"] {
        assert!(problems.iter().any(|p| p["difficulty"] == difficulty), "no {difficulty} problem");
    }
    for slug in ["two-sum", "reverse-string", "valid-palindrome", "maximum-subarray", "container-with-most-water"] {
        assert!(problems.iter().any(|p| p["slug"] == slug), "{slug} missing");
    }
    let (_, hard) = client.get_json("/api/problems?difficulty=hard").await;
    assert!(hard["problems"].as_array().expect("list").iter().all(|p| p["difficulty"] == "hard"));
    let (_, trees) = client.get_json("/api/problems?tag=tree").await;
    assert!(trees["problems"].as_array().expect("list").len() >= 3);

    let (status, body) = client.get_json("/api/problems/two-sum").await;
    assert_eq!(status, StatusCode::OK);
    let problem = &body["problem"];
    assert_eq!(problem["title"], "Two Sum");
    assert_eq!(problem["examples"][0]["input"], "nums = [2,7,11,15], target = 9");
    assert!(
        problem["starterCode"]["java"].as_str().expect("java").contains("public int[] twoSum(int[] nums, int target)")
    );
    assert_eq!(problem["starterCode"].as_object().expect("starters").len(), 12);
    assert!(problem["starterCode"]["ruby"].as_str().expect("ruby").contains("def two_sum(nums, target)"));
    assert!(problem["starterCode"]["php"].as_str().expect("php").contains("function twoSum($nums, $target)"));
    assert!(
        problem["starterCode"]["csharp"].as_str().expect("c#").contains("public int[] TwoSum(int[] nums, int target)")
    );
    assert!(
        problem["starterCode"]["swift"]
            .as_str()
            .expect("swift")
            .contains("func twoSum(_ nums: [Int], _ target: Int) -> [Int]")
    );
    // The test set-up installs every image, so C# and Swift are offered with the rest.
    let offered: Vec<&str> =
        problem["languages"].as_array().expect("languages").iter().filter_map(Value::as_str).collect();
    assert_eq!(offered.len(), 12, "{offered:?}");
    assert!(problem["hiddenTestCount"].as_u64().expect("count") >= 10);
    let text = body.to_string();
    for secret in ["\"hidden\"", "solutions", "seen[x] = i", "new Map()"] {
        assert!(!text.contains(secret), "detail leaks `{secret}`");
    }
    // The large hidden inputs are nowhere in the list or the detail.
    assert!(text.len() < 20_000, "detail is {} bytes", text.len());
    assert_error(client.get_json("/api/problems/nope").await, StatusCode::NOT_FOUND, "Problem not found");
    // Anyone but an administrator is refused the full definitions.
    let (other, _) = server.user("Other").await;
    let (status, _) = other.get_json("/api/admin/problems").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn run_and_submit_give_per_test_verdicts() {
    let server = Server::start();
    let (client, _) = server.user("Coder").await;

    // Accepted in Python, with prints on stdout and stderr that must not disturb judging.
    let noisy = format!("import sys\n{TWO_SUM_PY}\nprint('loaded')\n")
        .replace("    seen = {}\n", "    seen = {}\n    print('[0, 1]')\n    print('debug', file=sys.stderr)\n");
    let (status, body) =
        client.post_json("/api/problems/two-sum/submit", json!({"language": "python", "code": noisy})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let result = &body["result"];
    assert_eq!(result["verdict"], "accepted", "{result}");
    assert_eq!(result["passed"], result["total"]);
    assert!(result["hidden"]["total"].as_u64().expect("hidden") >= 10);
    assert_eq!(result["tests"].as_array().expect("tests").len(), 3, "only visible tests are itemised");
    assert_eq!(result["tests"][0]["output"], "[0, 1]\ndebug\n");

    // Run: visible tests only, with input, expected and actual.
    let wrong = "function twoSum(nums, target) { console.log('hi'); return [0, 1]; }";
    let (_, body) =
        client.post_json("/api/problems/two-sum/run", json!({"language": "javascript", "code": wrong})).await;
    let result = &body["result"];
    assert_eq!(result["verdict"], "wrong_answer", "{result}");
    assert_eq!(result["passed"], 2);
    assert_eq!(result["total"], 3);
    assert_eq!(result["tests"][1]["status"], "wrong_answer");
    assert_eq!(result["tests"][1]["input"], json!({"nums": [3, 2, 4], "target": 6}));
    assert_eq!(result["tests"][1]["expected"], json!([1, 2]));
    assert_eq!(result["tests"][1]["actual"], json!([0, 1]));
    assert_eq!(result["tests"][0]["output"], "hi\n");

    // Submit of a solution that fails only hidden tests: counts and category, no data.
    let partial = "def twoSum(nums, target):\n    if len(nums) > 4:\n        return [0, 0]\n    for i in range(len(nums)):\n        for j in range(i + 1, len(nums)):\n            if nums[i] + nums[j] == target:\n                return [i, j]\n";
    let (_, body) =
        client.post_json("/api/problems/two-sum/submit", json!({"language": "python", "code": partial})).await;
    let result = &body["result"];
    assert_eq!(result["verdict"], "wrong_answer", "{result}");
    assert_eq!(result["hidden"]["firstFailure"], "wrong_answer");
    assert!(result["message"].as_str().expect("message").contains("hidden"));
    let text = body.to_string();
    assert!(!text.contains("1000000000") && text.len() < 10_000, "hidden data leaked: {} bytes", text.len());

    // Brute force is too slow for the large hidden tests.
    let brute = "def twoSum(nums, target):\n    for i in range(len(nums)):\n        for j in range(i + 1, len(nums)):\n            if nums[i] + nums[j] == target:\n                return [i, j]\n";
    let (_, body) =
        client.post_json("/api/problems/two-sum/submit", json!({"language": "python", "code": brute})).await;
    assert_eq!(body["result"]["verdict"], "time_limit", "{body}");

    // Runtime error, with the candidate's line number.
    let crash = "def isPalindrome(s):\n    return [][1]\n";
    let (_, body) =
        client.post_json("/api/problems/valid-palindrome/run", json!({"language": "python", "code": crash})).await;
    assert_eq!(body["result"]["verdict"], "runtime_error", "{body}");
    let error = body["result"]["tests"][0]["error"].as_str().expect("error");
    assert!(error.contains("IndexError") && error.contains("line 2"), "{error}");

    // Compile errors: Python syntax and C++.
    let (_, body) = client
        .post_json("/api/problems/valid-palindrome/run", json!({"language": "python", "code": "def isPalindrome(s)\n"}))
        .await;
    assert_eq!(body["result"]["verdict"], "compile_error", "{body}");
    let (_, body) = client
        .post_json(
            "/api/problems/maximum-subarray/run",
            json!({"language": "cpp", "code": "int maxSubArray(vector<int>& nums) { return nums; }"}),
        )
        .await;
    assert_eq!(body["result"]["verdict"], "compile_error", "{body}");
    assert!(body["result"]["compileOutput"].as_str().expect("output").contains("solution.cpp:1"), "{body}");

    // Custom input: one JSON value per parameter.
    let (_, body) = client
        .post_json(
            "/api/problems/two-sum/run",
            json!({"language": "python", "code": TWO_SUM_PY, "stdin": "[1, 5, 9]\n14"}),
        )
        .await;
    assert_eq!(body["result"]["tests"][0]["actual"], json!([1, 2]), "{body}");
    assert!(body["result"]["custom"].as_bool().expect("custom"));
}

#[tokio::test]
async fn every_original_problem_in_java_cpp_and_javascript() {
    let server = Server::start_with_env(&ROOMY_LIMITS);
    let (client, _) = server.user("Poly").await;
    let cases = [
        (
            "reverse-string",
            "java",
            "class Solution { public void reverseString(char[] s) { for (int i = 0, j = s.length - 1; i < j; i++, j--) { char t = s[i]; s[i] = s[j]; s[j] = t; } } }",
        ),
        ("reverse-string", "javascript", "function reverseString(s) { s.reverse(); }"),
        ("reverse-string", "cpp", "void reverseString(vector<char>& s) { reverse(s.begin(), s.end()); }"),
        (
            "valid-palindrome",
            "java",
            "class Solution { public boolean isPalindrome(String s) { String t = s.toLowerCase().replaceAll(\"[^a-z0-9]\", \"\"); return new StringBuilder(t).reverse().toString().equals(t); } }",
        ),
        (
            "maximum-subarray",
            "cpp",
            "int maxSubArray(vector<int>& nums) { int best = nums[0], cur = 0; for (int x : nums) { cur = max(x, cur + x); best = max(best, cur); } return best; }",
        ),
        (
            "container-with-most-water",
            "c",
            "int maxArea(int* h, int n) { int i = 0, j = n - 1, best = 0; while (i < j) { int a = (j - i) * (h[i] < h[j] ? h[i] : h[j]); if (a > best) best = a; if (h[i] < h[j]) i++; else j--; } return best; }",
        ),
        (
            "two-sum",
            "java",
            "class Solution { public int[] twoSum(int[] nums, int target) { Map<Integer, Integer> seen = new HashMap<>(); for (int i = 0; i < nums.length; i++) { Integer j = seen.get(target - nums[i]); if (j != null) return new int[] {j, i}; seen.put(nums[i], i); } return new int[0]; } }",
        ),
        (
            "reverse-linked-list",
            "cpp",
            "ListNode* reverseList(ListNode* head) { ListNode* prev = nullptr; while (head) { ListNode* n = head->next; head->next = prev; prev = head; head = n; } return prev; }",
        ),
        (
            "binary-tree-level-order-traversal",
            "java",
            "class Solution { public int[][] levelOrder(TreeNode root) { List<int[]> out = new ArrayList<>(); List<TreeNode> level = new ArrayList<>(); if (root != null) level.add(root); while (!level.isEmpty()) { int[] row = new int[level.size()]; List<TreeNode> next = new ArrayList<>(); for (int i = 0; i < row.length; i++) { TreeNode n = level.get(i); row[i] = n.val; if (n.left != null) next.add(n.left); if (n.right != null) next.add(n.right); } out.add(row); level = next; } return out.toArray(new int[0][]); } }",
        ),
        (
            "group-anagrams",
            "cpp",
            "vector<vector<string>> groupAnagrams(vector<string>& strs) { map<string, vector<string>> g; for (auto& s : strs) { string k = s; sort(k.begin(), k.end()); g[k].push_back(s); } vector<vector<string>> out; for (auto& [k, v] : g) out.push_back(v); return out; }",
        ),
    ];
    for (slug, language, code) in cases {
        let (status, body) = client
            .post_json(&format!("/api/problems/{slug}/submit"), json!({"language": language, "code": code}))
            .await;
        assert_eq!(status, StatusCode::OK, "{slug} {language}: {body}");
        assert_eq!(body["result"]["verdict"], "accepted", "{slug} {language}: {body}");
    }
    // A crash in C kills the process: the test it was in is a runtime error, the rest skipped.
    let (_, body) = client
        .post_json(
            "/api/problems/maximum-subarray/run",
            json!({"language": "c", "code": "int maxSubArray(int* nums, int n) { int* p = 0; return *p + n; }"}),
        )
        .await;
    assert_eq!(body["result"]["verdict"], "runtime_error", "{body}");
    assert_eq!(body["result"]["tests"][1]["status"], "skipped", "{body}");
}

/// What candidates write at work compiles: Go's built-in `min`/`max` (1.21+) and `slices`,
/// Rust's `let … else` (1.65+), C23's `bool` keyword, C++20's ranges, Java 21's record
/// patterns and pattern `switch`, Python's `match` statement.
#[tokio::test]
async fn current_language_features_are_accepted() {
    let server = Server::start();
    let (client, _) = server.user("Coder").await;
    let cases = [
        (
            "go",
            "import \"slices\"\n\nfunc maxSubArray(nums []int) int {\n\tbest, current := nums[0], nums[0]\n\tfor _, x := range nums[1:] {\n\t\tcurrent = max(x, current+x)\n\t\tbest = max(best, current)\n\t}\n\treturn min(best, slices.Max([]int{best}))\n}\n",
        ),
        (
            "rust",
            "fn max_sub_array(nums: Vec<i32>) -> i32 {\n    let Some((&first, rest)) = nums.split_first() else { return 0 };\n    let (mut best, mut current) = (first, first);\n    for &x in rest {\n        current = x.max(current + x);\n        best = best.max(current);\n    }\n    best\n}\n",
        ),
        (
            "c",
            "int maxSubArray(int* nums, int n) {\n    bool started = false;\n    int best = 0, current = 0;\n    for (int i = 0; i < n; i++) {\n        current = started && current > 0 ? current + nums[i] : nums[i];\n        if (!started || current > best) best = current;\n        started = true;\n    }\n    return best;\n}\n",
        ),
        (
            "cpp",
            "int maxSubArray(vector<int>& nums) {\n    int best = std::ranges::max(nums), current = 0;\n    for (int x : nums) { current = std::max(x, current + x); best = std::max(best, current); }\n    return best;\n}\n",
        ),
        (
            "java",
            "class Solution {\n    record Run(int best, int current) {}\n    public int maxSubArray(int[] nums) {\n        Object state = new Run(nums[0], nums[0]);\n        for (int i = 1; i < nums.length; i++) {\n            if (state instanceof Run(int best, int current)) {\n                int next = Math.max(nums[i], current + nums[i]);\n                state = new Run(Math.max(best, next), next);\n            }\n        }\n        return switch (state) { case Run r -> r.best(); default -> 0; };\n    }\n}\n",
        ),
        (
            "python",
            "def maxSubArray(nums):\n    match nums:\n        case [only]:\n            return only\n        case [first, *rest]:\n            best = current = first\n            for x in rest:\n                current = max(x, current + x)\n                best = max(best, current)\n            return best\n",
        ),
    ];
    for (language, code) in cases {
        let (status, body) = client
            .post_json("/api/problems/maximum-subarray/submit", json!({"language": language, "code": code}))
            .await;
        assert_eq!(status, StatusCode::OK, "{language}: {body}");
        assert_eq!(body["result"]["verdict"], "accepted", "{language}: {body}");
    }
}

/// Ruby and PHP: prints are captured per test, and errors (syntax, exceptions, a missing
/// method) name the candidate's own file and line.
#[tokio::test]
async fn judge_reports_ruby_and_php_prints_and_errors_at_the_candidates_lines() {
    let server = Server::start();
    let (client, _) = server.user("Scripter").await;
    let run = |language: &'static str, code: &'static str| {
        let client = &client;
        async move {
            let (status, body) =
                client.post_json("/api/problems/two-sum/run", json!({"language": language, "code": code})).await;
            assert_eq!(status, StatusCode::OK, "{language}: {body}");
            body["result"].clone()
        }
    };
    let ruby = run(
        "ruby",
        "def two_sum(nums, target)\n  puts \"n=#{nums.size}\"\n  raise \"boom\" if target == 6\n  [0, 1]\nend\n",
    )
    .await;
    assert_eq!(ruby["tests"][0]["status"], "passed", "{ruby}");
    assert_eq!(ruby["tests"][0]["output"], "n=4\n", "{ruby}");
    assert_eq!(ruby["tests"][1]["status"], "runtime_error", "{ruby}");
    let error = ruby["tests"][1]["error"].as_str().unwrap_or_default();
    assert!(error.contains("boom (solution.rb, line 3, in two_sum)"), "{ruby}");
    let php = run(
        "php",
        "class Solution {\n    function twoSum($nums, $target) {\n        echo 'n=', count($nums), \"\\n\";\n        if ($target == 6) throw new RuntimeException('boom');\n        return [0, 1];\n    }\n}\n",
    )
    .await;
    assert_eq!(php["tests"][0]["status"], "passed", "{php}");
    assert_eq!(php["tests"][0]["output"], "n=4\n", "{php}");
    let error = php["tests"][1]["error"].as_str().unwrap_or_default();
    assert!(error.contains("RuntimeException: boom (solution.php, line 4)"), "{php}");

    for (language, code, says) in [
        ("ruby", "def two_sum(nums, target)\n  if true\n  [0, 1]\nend\n", "solution.rb:4"),
        ("ruby", "def twosum(nums, target) = [0, 1]\n", "does not define a method named two_sum"),
        (
            "php",
            "class Solution {\n    function twoSum($nums, $target) {\n        return [0 1];\n",
            "(solution.php, line 3)",
        ),
        ("php", "function twoSums($nums, $target) { return [0, 1]; }\n", "does not define a class Solution"),
    ] {
        let result = run(language, code).await;
        assert_eq!(result["verdict"], "compile_error", "{language}: {result}");
        let output = result["compileOutput"].as_str().unwrap_or_default();
        assert!(output.contains(says), "{language}: {says} in {result}");
    }
}

/// C# and Swift: prints are captured per test; a C# exception names the candidate's line (Mono
/// puts an explicit `throw` on the statement after it, so the test fails an array access); a
/// Swift trap stops the run with its cause on stderr; compile errors point into the
/// candidate's own file.
#[tokio::test]
async fn judge_reports_csharp_and_swift_prints_and_errors_at_the_candidates_lines() {
    let server = Server::start();
    let (client, _) = server.user("Compiler").await;
    let run = |language: &'static str, code: &'static str| {
        let client = &client;
        async move {
            let (status, body) =
                client.post_json("/api/problems/two-sum/run", json!({"language": language, "code": code})).await;
            assert_eq!(status, StatusCode::OK, "{language}: {body}");
            body["result"].clone()
        }
    };
    let csharp = run(
        "csharp",
        "public class Solution {\n    public int[] TwoSum(int[] nums, int target) {\n        Console.WriteLine($\"n={nums.Length}\");\n        int first = target == 6 ? nums[99] : 0;\n        return new[] { first, 1 };\n    }\n}\n",
    )
    .await;
    assert_eq!(csharp["tests"][0]["status"], "passed", "{csharp}");
    assert_eq!(csharp["tests"][0]["output"], "n=4\n", "{csharp}");
    assert_eq!(csharp["tests"][1]["status"], "runtime_error", "{csharp}");
    let error = csharp["tests"][1]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains(
            "IndexOutOfRangeException: Index was outside the bounds of the array. (Solution.cs:4, in TwoSum)"
        ),
        "{csharp}"
    );
    let swift = run(
        "swift",
        "class Solution {\n    func twoSum(_ nums: [Int], _ target: Int) -> [Int] {\n        print(\"n=\\(nums.count)\")\n        if target == 6 { return [nums[99]] }\n        return [0, 1]\n    }\n}\n",
    )
    .await;
    assert_eq!(swift["tests"][0]["status"], "passed", "{swift}");
    assert_eq!(swift["tests"][0]["output"], "n=4\n", "{swift}");
    assert_eq!(swift["verdict"], "runtime_error", "{swift}");
    assert!(swift["tests"][1]["error"].as_str().unwrap_or_default().contains("runtime check failed"), "{swift}");
    assert!(swift["stderr"].as_str().unwrap_or_default().contains("Solution.swift:4:"), "{swift}");

    for (language, code, says) in [
        (
            "csharp",
            "public class Solution {\n    public int[] TwoSum(int[] nums, int target) {\n        return new[] { 0 1 };\n    }\n}\n",
            "Solution.cs(3,",
        ),
        (
            "swift",
            "class Solution {\n    func twoSum(_ nums: [Int], _ target: Int) -> [Int] {\n        return [0 1]\n    }\n}\n",
            "Solution.swift:3:",
        ),
    ] {
        let result = run(language, code).await;
        assert_eq!(result["verdict"], "compile_error", "{language}: {result}");
        let output = result["compileOutput"].as_str().unwrap_or_default();
        assert!(output.contains(says), "{language}: {says} in {result}");
    }
}

#[tokio::test]
async fn judge_requests_are_validated_and_recorded_in_sessions() {
    let server = Server::start();
    let (host, _) = server.interviewer("Host").await;
    let (stranger, _) = server.user("Stranger").await;
    let path = "/api/problems/two-sum/run";
    assert_error(
        server.anon().post_json(path, json!({"language": "python", "code": "x"})).await,
        StatusCode::UNAUTHORIZED,
        "Sign in",
    );
    assert_error(
        host.post_json(path, json!({"language": "cobol", "code": "x"})).await,
        StatusCode::BAD_REQUEST,
        "Unknown language",
    );
    assert_error(
        host.post_json(path, json!({"language": "python", "code": "  "})).await,
        StatusCode::BAD_REQUEST,
        "code is required",
    );
    let huge = "#".repeat(70 * 1024);
    assert_error(
        host.post_json(path, json!({"language": "python", "code": huge})).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "code is larger",
    );
    assert_error(
        host.post_json(path, json!({"language": "python", "code": TWO_SUM_PY, "stdin": "[1]"})).await,
        StatusCode::BAD_REQUEST,
        "2 line(s)",
    );
    assert_error(
        host.post_json("/api/problems/nope/run", json!({"language": "python", "code": "x"})).await,
        StatusCode::NOT_FOUND,
        "Problem",
    );

    let (status, body) = host.post_json("/api/sessions", json!({"problem": "two-sum"})).await;
    assert_eq!(status, StatusCode::CREATED);
    let id = body["session"]["id"].as_str().expect("id").to_string();
    let submit = json!({"language": "python", "code": TWO_SUM_PY, "sessionId": id});
    let (status, body) = host.post_json("/api/problems/two-sum/submit", submit.clone()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_error(
        stranger.post_json("/api/problems/two-sum/submit", submit).await,
        StatusCode::FORBIDDEN,
        "not in this session",
    );
    assert_error(
        host.post_json("/api/problems/reverse-string/run", json!({"language": "python", "code": "x", "sessionId": id}))
            .await,
        StatusCode::BAD_REQUEST,
        "two-sum",
    );
    let (status, body) = host.get_json(&format!("/api/sessions/{id}/submissions")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let submissions = body["submissions"].as_array().expect("submissions");
    assert_eq!(submissions.len(), 1, "{body}");
    assert_eq!(submissions[0]["verdict"], "accepted");
    assert_eq!(submissions[0]["userName"], "Host");
    assert_error(
        stranger.get_json(&format!("/api/sessions/{id}/submissions")).await,
        StatusCode::FORBIDDEN,
        "not in this session",
    );
    // An administrator looking in may do here what the room lets them do: what participants do.
    let (admin, _) = server.admin("Ada").await;
    let (status, body) = admin.get_json(&format!("/api/sessions/{id}/submissions")).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let run = json!({"language": "python", "code": TWO_SUM_PY, "sessionId": id});
    let (status, body) = admin.post_json("/api/problems/two-sum/run", run).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// For commands that validate problems in every language: verdicts are what those tests check,
/// not speed. A Swift compile (about 5 s alone) must not hit the compile limits while the rest
/// of the suite loads the machine, nor a run its wall-clock deadline while it waits for a core
/// (runs keep their CPU limits, which decide the time-limit verdicts).
const ROOMY_LIMITS: [(&str, &str); 3] = [
    ("CODEROOM_SANDBOX_COMPILE_TIMEOUT", "120000"),
    ("CODEROOM_SANDBOX_COMPILE_CPU_TIME", "60000"),
    ("CODEROOM_SANDBOX_RUN_TIMEOUT", "60000"),
];

fn coderoom(data_dir: &std::path::Path, args: &[&str]) -> (bool, String) {
    coderoom_with(data_dir, args, &[])
}

fn coderoom_with(data_dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> (bool, String) {
    let output = Command::new(BINARY)
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .args(["--bind", "127.0.0.1:1"])
        .env("CODEROOM_LOG_LEVEL", "error")
        .envs(env.iter().copied())
        .output()
        .expect("run coderoom");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

/// The library's bar: in every language of the sandbox, each shipped problem's reference
/// solution is accepted, its starter code compiles and gets a wrong answer, and each deliberately
/// wrong solution gets exactly the verdict its file name states.
#[test]
fn shipped_library_validates_in_every_language() {
    let temp = tempfile::tempdir().expect("tempdir");
    let args = ["problems", "validate", "--starters"];
    let (ok, out) = coderoom_with(&temp.path().join("data"), &args, &ROOMY_LIMITS);
    let shipped = std::fs::read_dir("problems")
        .expect("problems/")
        .filter(|entry| entry.as_ref().is_ok_and(|e| e.path().join("problem.toml").exists()))
        .count();
    assert!(ok && out.contains(&format!("{shipped} problem(s) valid")), "{out}");
}

#[tokio::test]
async fn problems_cli_manages_the_library() {
    let temp = tempfile::tempdir().expect("tempdir");
    let data = temp.path().join("data");
    let (ok, out) = coderoom(&data, &["problems", "list"]);
    assert!(ok && out.contains("two-sum") && out.contains("binary-tree-maximum-path-sum"), "{out}");

    // Export, edit, validate (with a clear file + field error), import, remove.
    let export = temp.path().join("export");
    let (ok, out) = coderoom(&data, &["problems", "export", export.to_str().expect("utf8"), "two-sum"]);
    assert!(ok, "{out}");
    let folder = export.join("two-sum");
    let toml = std::fs::read_to_string(folder.join("problem.toml")).expect("toml");
    std::fs::write(folder.join("problem.toml"), toml.replace("slug = \"two-sum\"", "slug = \"two-sum-copy\""))
        .expect("write");
    let (ok, out) = coderoom_with(&data, &["problems", "validate", folder.to_str().expect("utf8")], &ROOMY_LIMITS);
    assert!(ok, "{out}");

    let tests = std::fs::read_to_string(folder.join("tests.json")).expect("tests");
    std::fs::write(folder.join("tests.json"), tests.replacen("\"target\":9", "\"target\":\"nine\"", 1)).expect("write");
    let (ok, out) = coderoom_with(&data, &["problems", "validate", folder.to_str().expect("utf8")], &ROOMY_LIMITS);
    assert!(!ok && out.contains("tests.json: visible[0].input.target: expected a 32-bit integer"), "{out}");
    std::fs::write(folder.join("tests.json"), &tests).expect("write");

    // A wrong reference solution fails validation.
    std::fs::write(folder.join("solutions/solution.py"), "def twoSum(nums, target):\n    return [0, 1]\n")
        .expect("write");
    let (ok, out) = coderoom_with(&data, &["problems", "validate", folder.to_str().expect("utf8")], &ROOMY_LIMITS);
    assert!(!ok && out.contains("solution.py") && out.contains("WrongAnswer"), "{out}");
    std::fs::write(folder.join("solutions/solution.py"), TWO_SUM_PY).expect("write");

    let (ok, out) = coderoom(&data, &["problems", "add", folder.to_str().expect("utf8")]);
    assert!(ok, "{out}");
    let (ok, out) = coderoom(&data, &["problems", "add", folder.to_str().expect("utf8")]);
    assert!(!ok && out.contains("already exists"), "{out}");

    // The server sees the CLI's changes; with the server running, the CLI goes through it.
    let server = Server::start_in(&data, &[]);
    let (client, _) = server.user("Admin").await;
    let (status, _) = client.get_json("/api/problems/two-sum-copy").await;
    assert_eq!(status, StatusCode::OK);
    let port = server.url.rsplit(':').next().expect("port").to_string();
    let output = Command::new(BINARY)
        .args(["problems", "remove", "two-sum-copy", "--bind", &format!("127.0.0.1:{port}"), "--data-dir"])
        .arg(&data)
        .output()
        .expect("remove");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let (status, _): (StatusCode, Value) = client.get_json("/api/problems/two-sum-copy").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "removal applies without a restart");
}
