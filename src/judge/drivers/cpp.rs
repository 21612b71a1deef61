//! C++: one file — headers and node types, the candidate's code under `#line 1
//! "solution.cpp"` (compiler messages keep the candidate's line numbers), then the driver.
//! The candidate's stdout and stderr (fds 1 and 2) go to a capture file; results go to the
//! result channel.

use super::{CAPTURE_CAP, Call, EmptyValues, RESULTS_FD};
use crate::problems::types::Type;

pub(super) const PRELUDE: &str = r#"#include <bits/stdc++.h>
#include <fcntl.h>
#include <unistd.h>
using namespace std;
struct ListNode {
    int val; ListNode *next;
    ListNode() : val(0), next(nullptr) {}
    ListNode(int x) : val(x), next(nullptr) {}
    ListNode(int x, ListNode *next) : val(x), next(next) {}
};
struct TreeNode {
    int val; TreeNode *left; TreeNode *right;
    TreeNode() : val(0), left(nullptr), right(nullptr) {}
    TreeNode(int x) : val(x), left(nullptr), right(nullptr) {}
    TreeNode(int x, TreeNode *left, TreeNode *right) : val(x), left(left), right(right) {}
};
"#;

const RUNTIME: &str = r#"
namespace coderoom_driver {
static std::string D;
static size_t P = 0;
static std::string tok() {
    while (P < D.size() && (D[P] == ' ' || D[P] == '\n')) P++;
    size_t s = P;
    while (P < D.size() && D[P] != ' ' && D[P] != '\n') P++;
    return D.substr(s, P - s);
}
static void rd(int &x) { x = (int) std::stol(tok()); }
static void rd(long long &x) { x = std::stoll(tok()); }
static void rd(double &x) { x = std::stod(tok()); }
static void rd(bool &x) { x = tok() == "1"; }
static void rd(char &x) { x = (char) std::stoi(tok()); }
static void rd(std::string &x) { size_t n = std::stoul(tok()); size_t s = P + 1; x = D.substr(s, n); P = s + n; }
template <class T> static void rd(std::vector<T> &v) { int n; rd(n); v.assign(n, T()); for (auto &x : v) rd(x); }
static void rd(std::vector<bool> &v) { int n; rd(n); v.assign(n, false); for (int i = 0; i < n; i++) { bool b; rd(b); v[i] = b; } }
static void rd(ListNode *&h) { std::vector<int> v; rd(v); h = nullptr; for (int i = (int) v.size() - 1; i >= 0; i--) h = new ListNode(v[i], h); }
static void rd(TreeNode *&root) {
    int n; rd(n);
    std::vector<std::string> v(n);
    for (auto &t : v) t = tok();
    root = nullptr;
    if (n == 0) return;
    root = new TreeNode(std::stoi(v[0]));
    std::vector<TreeNode *> q{root};
    size_t i = 1, k = 0;
    while (i < v.size() && k < q.size()) {
        TreeNode *node = q[k++];
        if (i < v.size() && v[i] != "n") { node->left = new TreeNode(std::stoi(v[i])); q.push_back(node->left); }
        i++;
        if (i < v.size() && v[i] != "n") { node->right = new TreeNode(std::stoi(v[i])); q.push_back(node->right); }
        i++;
    }
}
static std::string js(const std::string &s) {
    std::string o = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') { o += '\\'; o += (char) c; }
        else if (c < 0x20) { char b[8]; snprintf(b, sizeof b, "\\u%04x", c); o += b; }
        else o += (char) c;
    }
    return o + "\"";
}
static void wr(std::string &o, int x) { o += std::to_string(x); }
static void wr(std::string &o, long long x) { o += std::to_string(x); }
static void wr(std::string &o, double x) {
    if (std::isnan(x) || std::isinf(x)) { o += "null"; return; }
    char b[64]; snprintf(b, sizeof b, "%.17g", x); o += b;
}
static void wr(std::string &o, bool x) { o += x ? "true" : "false"; }
static void wr(std::string &o, char x) { o += js(std::string(1, x)); }
static void wr(std::string &o, const std::string &x) { o += js(x); }
template <class T> static void wr(std::string &o, const std::vector<T> &v) {
    o += '[';
    for (size_t i = 0; i < v.size(); i++) { if (i) o += ','; wr(o, (T) v[i]); }
    o += ']';
}
static void wr(std::string &o, ListNode *h) {
    o += '[';
    long count = 0;
    for (ListNode *p = h; p; p = p->next) {
        if (count) o += ',';
        o += std::to_string(p->val);
        if (++count > 1000000) throw std::runtime_error("the returned list has a cycle");
    }
    o += ']';
}
static void wr(std::string &o, TreeNode *t) {
    std::vector<TreeNode *> q{t};
    std::vector<std::string> out;
    for (size_t k = 0; k < q.size(); k++) {
        if (!q[k]) out.push_back("null");
        else { out.push_back(std::to_string(q[k]->val)); q.push_back(q[k]->left); q.push_back(q[k]->right); }
        if (k > 2000000) throw std::runtime_error("the returned tree is too large or has a cycle");
    }
    while (!out.empty() && out.back() == "null") out.pop_back();
    o += '[';
    for (size_t i = 0; i < out.size(); i++) { if (i) o += ','; o += out[i]; }
    o += ']';
}
static void put(int fd, const std::string &s) {
    size_t off = 0;
    while (off < s.size()) { ssize_t n = write(fd, s.data() + off, s.size() - off); if (n <= 0) return; off += (size_t) n; }
}
static double ms_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}
}
"#;

pub(super) fn cpp_type(ty: &Type) -> String {
    match ty {
        Type::Int => "int".into(),
        Type::Long => "long long".into(),
        Type::Double => "double".into(),
        Type::Bool => "bool".into(),
        Type::Char => "char".into(),
        Type::String => "string".into(),
        Type::Array(inner) => format!("vector<{}>", cpp_type(inner)),
        Type::List => "ListNode*".into(),
        Type::Tree => "TreeNode*".into(),
        Type::Void => "void".into(),
    }
}

fn param_type(ty: &Type) -> String {
    match ty {
        Type::Array(_) => format!("{}&", cpp_type(ty)),
        other => cpp_type(other),
    }
}

pub fn program(call: &Call, code: &str) -> Vec<(String, String)> {
    let reads: String = call
        .arguments()
        .map(|a| format!("        {} {name}{{}}; rd({name});\n", cpp_type(a.ty), name = a.name))
        .collect();
    let args: Vec<String> = call.arguments().map(|a| a.name).collect();
    let invoke = format!("::{}({})", call.sig.name, args.join(", "));
    let (call_line, answer) = match (call.mutated, &call.sig.returns) {
        (Some(i), _) => (format!("{invoke};"), format!("a{i}")),
        (None, returns) => (format!("{} r = {invoke};", cpp_type(returns)), "r".into()),
    };
    let main = format!(
        r#"
int main() {{
    using namespace coderoom_driver;
    {{ std::ostringstream all; all << std::cin.rdbuf(); D = all.str(); }}
    int real = {RESULTS_FD};
    int cap = open(".capture", O_CREAT | O_RDWR | O_TRUNC | O_APPEND, 0600);
    dup2(cap, 1); dup2(cap, 2);
    std::string nonce = tok();
    int count = std::stoi(tok());
    for (int i = 0; i < count; i++) {{
{reads}        std::string rec = "{{\"i\":" + std::to_string(i);
        fflush(stdout); std::cout.flush(); if (ftruncate(cap, 0) != 0) {{}}
        auto t0 = std::chrono::steady_clock::now();
        try {{
            {call_line}
            double ms = ms_since(t0);
            std::string v; wr(v, {answer});
            rec += ",\"s\":\"ok\",\"v\":" + v + ",\"ms\":" + std::to_string(ms);
        }} catch (const std::bad_alloc &) {{
            rec += ",\"s\":\"memory\",\"ms\":" + std::to_string(ms_since(t0));
        }} catch (const std::exception &e) {{
            rec += ",\"s\":\"error\",\"e\":" + js(std::string("exception: ") + e.what()) + ",\"ms\":" + std::to_string(ms_since(t0));
        }} catch (...) {{
            rec += ",\"s\":\"error\",\"e\":\"an exception was thrown\",\"ms\":" + std::to_string(ms_since(t0));
        }}
        fflush(stdout); std::cout.flush(); std::cerr.flush();
        char buf[{CAPTURE_CAP}];
        ssize_t got = pread(cap, buf, sizeof buf, 0);
        rec += ",\"o\":" + js(std::string(buf, got > 0 ? (size_t) got : 0)) + "}}";
        put(real, nonce + " " + rec + "\n");
    }}
    return 0;
}}
"#
    );
    let source = format!("{PRELUDE}#line 1 \"solution.cpp\"\n{code}\n#line 1 \"driver.cpp\"\n{RUNTIME}{main}");
    vec![("main.cpp".into(), source)]
}

const EMPTY: EmptyValues = EmptyValues { string: "{}", ..EmptyValues::typed("{}", "nullptr") };

pub fn starter(call: &Call) -> String {
    let mut out = call.provided(
        "// ListNode is provided: struct ListNode { int val; ListNode *next; ListNode(int x, ListNode *next); };\n",
        "// TreeNode is provided: struct TreeNode { int val; TreeNode *left, *right; TreeNode(int x); };\n",
    );
    out.push_str("// Standard headers are included and `using namespace std;` is in effect.\n");
    let params: Vec<String> = call.sig.params.iter().map(|p| format!("{} {}", param_type(&p.ty), p.name)).collect();
    let body = match call.mutated {
        Some(i) => format!("    // Modify {} in place.\n", call.sig.params[i].name),
        None => format!("    // Write your solution here.\n    return {};\n", EMPTY.of(&call.sig.returns)),
    };
    out.push_str(&format!("{} {}({}) {{\n{body}}}\n", cpp_type(&call.sig.returns), call.sig.name, params.join(", ")));
    out
}
