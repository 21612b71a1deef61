//! C# (Mono's `mcs`, C# 7): `Main.cs` (driver, `ListNode`, `TreeNode` as LeetCode defines
//! them) and the candidate's `Solution.cs`, compiled together with debug information so that
//! an exception names the candidate's line. The usual `using` directives share the candidate's
//! first line, so their line numbers are unchanged. Methods are PascalCase, as in C#.

use super::class_based::Dialect;
use super::{CAPTURE_CAP, Call, RESULTS_FD};
use crate::problems::types::Type;

/// What a C# candidate expects in scope without writing it.
const USINGS: &str = "using System; using System.Collections.Generic; using System.Linq; using System.Text; ";

const RUNTIME: &str = r#"using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;

public class ListNode {
    public int val; public ListNode next;
    public ListNode(int val = 0, ListNode next = null) { this.val = val; this.next = next; }
}

public class TreeNode {
    public int val; public TreeNode left; public TreeNode right;
    public TreeNode(int val = 0, TreeNode left = null, TreeNode right = null) { this.val = val; this.left = left; this.right = right; }
}

static class CoderoomDriver {
    static byte[] D;
    static int P;
    static readonly CultureInfo C = CultureInfo.InvariantCulture;

    static string Tok() {
        while (P < D.Length && (D[P] == ' ' || D[P] == '\n')) P++;
        int s = P;
        while (P < D.Length && D[P] != ' ' && D[P] != '\n') P++;
        return Encoding.ASCII.GetString(D, s, P - s);
    }
    static int RInt() { return int.Parse(Tok(), C); }
    static long RLong() { return long.Parse(Tok(), C); }
    static double RDouble() { return double.Parse(Tok(), C); }
    static bool RBool() { return Tok() == "1"; }
    static char RChar() { return (char) RInt(); }
    static string RStr() { int n = RInt(); int s = P + 1; P = s + n; return Encoding.UTF8.GetString(D, s, n); }
    static ListNode RList() {
        int n = RInt(); var v = new int[n];
        for (int i = 0; i < n; i++) v[i] = RInt();
        ListNode h = null;
        for (int i = n - 1; i >= 0; i--) h = new ListNode(v[i], h);
        return h;
    }
    static TreeNode RTree() {
        int n = RInt(); var v = new int?[n];
        for (int i = 0; i < n; i++) { string t = Tok(); v[i] = t == "n" ? (int?) null : int.Parse(t, C); }
        if (n == 0 || v[0] == null) return null;
        var root = new TreeNode(v[0].Value);
        var q = new System.Collections.Generic.List<TreeNode> { root };
        int k = 0;
        for (int i = 1; i < n && k < q.Count; k++) {
            TreeNode node = q[k];
            if (v[i] != null) { node.left = new TreeNode(v[i].Value); q.Add(node.left); }
            i++;
            if (i < n && v[i] != null) { node.right = new TreeNode(v[i].Value); q.Add(node.right); }
            i++;
        }
        return root;
    }

    static void W(StringBuilder b, int x) { b.Append(x.ToString(C)); }
    static void W(StringBuilder b, long x) { b.Append(x.ToString(C)); }
    static void W(StringBuilder b, double x) { b.Append(double.IsNaN(x) || double.IsInfinity(x) ? "null" : x.ToString("R", C)); }
    static void W(StringBuilder b, bool x) { b.Append(x ? "true" : "false"); }
    static void W(StringBuilder b, char x) { W(b, x.ToString()); }
    static void W(StringBuilder b, string s) {
        if (s == null) { b.Append("null"); return; }
        b.Append('"');
        foreach (char c in s) {
            if (c == '"' || c == '\\') b.Append('\\').Append(c);
            else if (c < 0x20) b.Append("\\u").Append(((int) c).ToString("x4"));
            else b.Append(c);
        }
        b.Append('"');
    }
    static void W(StringBuilder b, ListNode n) {
        b.Append('[');
        int count = 0;
        for (ListNode p = n; p != null; p = p.next) {
            if (count > 0) b.Append(',');
            b.Append(p.val.ToString(C));
            if (++count > 1000000) throw new InvalidOperationException("the returned list has a cycle");
        }
        b.Append(']');
    }
    static void W(StringBuilder b, TreeNode t) {
        var q = new System.Collections.Generic.List<TreeNode> { t };
        var out_ = new System.Collections.Generic.List<string>();
        for (int k = 0; k < q.Count; k++) {
            TreeNode n = q[k];
            if (n == null) out_.Add("null"); else { out_.Add(n.val.ToString(C)); q.Add(n.left); q.Add(n.right); }
            if (k > 2000000) throw new InvalidOperationException("the returned tree is too large or has a cycle");
        }
        int end = out_.Count;
        while (end > 0 && out_[end - 1] == "null") end--;
        b.Append('[').Append(string.Join(",", out_.GetRange(0, end))).Append(']');
    }
    static string Where(Exception e) {
        foreach (StackFrame frame in new StackTrace(e, true).GetFrames() ?? new StackFrame[0]) {
            string file = frame.GetFileName();
            if (file != null && Path.GetFileName(file) == "Solution.cs")
                return " (Solution.cs:" + frame.GetFileLineNumber() + ", in " + frame.GetMethod().Name + ")";
        }
        return "";
    }

    static int Main() {
        using (var input = Console.OpenStandardInput())
        using (var all = new MemoryStream()) { input.CopyTo(all); D = all.ToArray(); }
        // Recursive solutions on deep trees and long lists need more than the default stack.
        var worker = new Thread(Run, 256 * 1024 * 1024);
        worker.Start();
        worker.Join();
        return 0;
    }
"#;

fn csharp_type(ty: &Type) -> String {
    match ty {
        Type::Int => "int".into(),
        Type::Long => "long".into(),
        Type::Double => "double".into(),
        Type::Bool => "bool".into(),
        Type::Char => "char".into(),
        Type::String => "string".into(),
        Type::Array(inner) => format!("{}[]", csharp_type(inner)),
        Type::List => "ListNode".into(),
        Type::Tree => "TreeNode".into(),
        Type::Void => "void".into(),
    }
}

/// C# names methods in PascalCase: `twoSum` is `TwoSum`.
fn method_name(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map(|first| first.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

const CSHARP: Dialect = Dialect {
    type_name: csharp_type,
    method_name,
    read: "R",
    write: "W",
    append: "Append",
    length: "Length",
    no_answer: "(string) null",
};

pub fn program(call: &Call, code: &str) -> Vec<(String, String)> {
    let helpers = CSHARP.array_helpers(call);
    let reads = CSHARP.reads(call);
    let (call_line, answer) = CSHARP.invocation(call);
    let run = format!(
        r#"
    static void Run() {{
        var real = new FileStream("/proc/self/fd/{RESULTS_FD}", FileMode.Open, FileAccess.Write);
        TextWriter origOut = Console.Out, origErr = Console.Error;
        string nonce = Tok();
        int count = RInt();
        var clock = new Stopwatch();
        for (int i = 0; i < count; i++) {{
{reads}            var b = new StringBuilder("{{\"i\":").Append(i);
            var cap = new StringWriter(C);
            Console.SetOut(cap); Console.SetError(cap);
            clock.Restart();
            try {{
                {call_line}
                clock.Stop();
                Console.SetOut(origOut); Console.SetError(origErr);
                var v = new StringBuilder();
                W(v, {answer});
                b.Append(",\"s\":\"ok\",\"v\":").Append(v);
            }} catch (OutOfMemoryException) {{
                b.Append(",\"s\":\"memory\"");
            }} catch (Exception e) {{
                b.Append(",\"s\":\"error\",\"e\":"); W(b, e.GetType().Name + ": " + e.Message + Where(e));
            }} finally {{
                clock.Stop();
                Console.SetOut(origOut); Console.SetError(origErr);
            }}
            b.Append(",\"ms\":").Append(clock.Elapsed.TotalMilliseconds.ToString("R", C));
            string o = cap.ToString();
            if (o.Length > {CAPTURE_CAP}) o = o.Substring(0, {CAPTURE_CAP});
            b.Append(",\"o\":"); W(b, o); b.Append('}}');
            byte[] line = Encoding.UTF8.GetBytes(nonce + " " + b + "\n");
            real.Write(line, 0, line.Length);
            real.Flush();
        }}
    }}
}}
"#
    );
    let driver = format!("{RUNTIME}{helpers}{run}");
    vec![("Main.cs".into(), driver), ("Solution.cs".into(), format!("{USINGS}{code}"))]
}

pub fn starter(call: &Call) -> String {
    let mut out = call.provided("// ListNode is provided: public class ListNode { public int val; public ListNode next; public ListNode(int val = 0, ListNode next = null) }\n", "// TreeNode is provided: public class TreeNode { public int val; public TreeNode left, right; public TreeNode(int val = 0, TreeNode left = null, TreeNode right = null) }\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(&CSHARP.starter_method(call, "public "));
    out
}
