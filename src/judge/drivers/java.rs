//! Java: `Main.java` (driver, `ListNode`, `TreeNode`) and the candidate's `Solution.java`,
//! compiled together. `java.util.*` is imported on the candidate's first line, so their line
//! numbers are unchanged.

use super::class_based::Dialect;
use super::{CAPTURE_CAP, Call, RESULTS_FD};
use crate::problems::types::Type;

const RUNTIME: &str = r#"import java.io.*;
import java.nio.charset.StandardCharsets;

class ListNode {
    int val; ListNode next;
    ListNode() {}
    ListNode(int val) { this.val = val; }
    ListNode(int val, ListNode next) { this.val = val; this.next = next; }
}

class TreeNode {
    int val; TreeNode left; TreeNode right;
    TreeNode() {}
    TreeNode(int val) { this.val = val; }
    TreeNode(int val, TreeNode left, TreeNode right) { this.val = val; this.left = left; this.right = right; }
}

public class Main {
    static byte[] D;
    static int P;

    static String tok() {
        while (P < D.length && (D[P] == ' ' || D[P] == '\n')) P++;
        int s = P;
        while (P < D.length && D[P] != ' ' && D[P] != '\n') P++;
        return new String(D, s, P - s, StandardCharsets.ISO_8859_1);
    }
    // Numbers are read in place, without a String each: a hundred thousand of them no longer
    // keep the garbage collector busy. (The server writes them: an optional '-', then digits.)
    static long rNumber() {
        while (P < D.length && (D[P] == ' ' || D[P] == '\n')) P++;
        boolean negative = P < D.length && D[P] == '-';
        if (negative) P++;
        long value = 0;
        while (P < D.length && D[P] != ' ' && D[P] != '\n') value = value * 10 + (D[P++] - '0');
        return negative ? -value : value;
    }
    static int rInt() { return (int) rNumber(); }
    static long rLong() { return rNumber(); }
    static double rDouble() { return Double.parseDouble(tok()); }
    static boolean rBool() { return tok().equals("1"); }
    static char rChar() { return (char) Integer.parseInt(tok()); }
    static String rStr() { int n = rInt(); int s = P + 1; P = s + n; return new String(D, s, n, StandardCharsets.UTF_8); }
    static ListNode rList() {
        int n = rInt(); int[] v = new int[n];
        for (int i = 0; i < n; i++) v[i] = rInt();
        ListNode h = null;
        for (int i = n - 1; i >= 0; i--) h = new ListNode(v[i], h);
        return h;
    }
    static TreeNode rTree() {
        int n = rInt(); Integer[] v = new Integer[n];
        for (int i = 0; i < n; i++) { String t = tok(); v[i] = t.equals("n") ? null : Integer.valueOf(t); }
        if (n == 0) return null;
        TreeNode root = new TreeNode(v[0]);
        java.util.ArrayList<TreeNode> q = new java.util.ArrayList<>(); q.add(root);
        int i = 1, k = 0;
        while (i < n && k < q.size()) {
            TreeNode node = q.get(k++);
            if (i < n && v[i] != null) { node.left = new TreeNode(v[i]); q.add(node.left); }
            i++;
            if (i < n && v[i] != null) { node.right = new TreeNode(v[i]); q.add(node.right); }
            i++;
        }
        return root;
    }

    static void w(StringBuilder b, int x) { b.append(x); }
    static void w(StringBuilder b, long x) { b.append(x); }
    static void w(StringBuilder b, double x) { if (Double.isNaN(x) || Double.isInfinite(x)) b.append("null"); else b.append(x); }
    static void w(StringBuilder b, boolean x) { b.append(x); }
    static void w(StringBuilder b, char x) { w(b, String.valueOf(x)); }
    static void w(StringBuilder b, String s) {
        if (s == null) { b.append("null"); return; }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        b.append('"');
    }
    static void w(StringBuilder b, ListNode n) {
        b.append('[');
        int count = 0;
        for (ListNode p = n; p != null; p = p.next) {
            if (count > 0) b.append(',');
            b.append(p.val);
            if (++count > 1000000) throw new IllegalStateException("the returned list has a cycle");
        }
        b.append(']');
    }
    static void w(StringBuilder b, TreeNode t) {
        java.util.ArrayList<TreeNode> q = new java.util.ArrayList<>(); q.add(t);
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        for (int k = 0; k < q.size(); k++) {
            TreeNode n = q.get(k);
            if (n == null) out.add("null"); else { out.add(String.valueOf(n.val)); q.add(n.left); q.add(n.right); }
            if (k > 2000000) throw new IllegalStateException("the returned tree is too large or has a cycle");
        }
        int end = out.size();
        while (end > 0 && out.get(end - 1).equals("null")) end--;
        b.append('[').append(String.join(",", out.subList(0, end))).append(']');
    }
    static String where(Throwable e) {
        for (StackTraceElement el : e.getStackTrace()) {
            if ("Solution.java".equals(el.getFileName())) return " (Solution.java:" + el.getLineNumber() + ", in " + el.getMethodName() + ")";
        }
        return "";
    }
"#;

fn java_type(ty: &Type) -> String {
    match ty {
        Type::Int => "int".into(),
        Type::Long => "long".into(),
        Type::Double => "double".into(),
        Type::Bool => "boolean".into(),
        Type::Char => "char".into(),
        Type::String => "String".into(),
        Type::Array(inner) => format!("{}[]", java_type(inner)),
        Type::List => "ListNode".into(),
        Type::Tree => "TreeNode".into(),
        Type::Void => "void".into(),
    }
}

const JAVA: Dialect = Dialect {
    type_name: java_type,
    method_name: str::to_string,
    read: "r",
    write: "w",
    append: "append",
    length: "length",
    no_answer: "(String) null",
};

pub fn program(call: &Call, code: &str) -> Vec<(String, String)> {
    let helpers = JAVA.array_helpers(call);
    let reads = JAVA.reads(call);
    let (call_line, answer) = JAVA.invocation(call);
    let main = format!(
        r#"
    public static void main(String[] args) throws Exception {{
        D = System.in.readAllBytes();
        PrintStream origOut = System.out, origErr = System.err;
        PrintStream real = new PrintStream(new FileOutputStream("/proc/self/fd/{RESULTS_FD}"), false, "UTF-8");
        String nonce = tok();
        int count = rInt();
        for (int i = 0; i < count; i++) {{
{reads}            StringBuilder b = new StringBuilder("{{\"i\":").append(i);
            ByteArrayOutputStream cap = new ByteArrayOutputStream();
            PrintStream cs = new PrintStream(cap, true, "UTF-8");
            System.setOut(cs); System.setErr(cs);
            long t0 = System.nanoTime();
            try {{
                {call_line}
                double ms = (System.nanoTime() - t0) / 1e6;
                System.setOut(origOut); System.setErr(origErr);
                StringBuilder v = new StringBuilder();
                w(v, {answer});
                b.append(",\"s\":\"ok\",\"v\":").append(v).append(",\"ms\":").append(ms);
            }} catch (OutOfMemoryError e) {{
                b.append(",\"s\":\"memory\",\"ms\":").append((System.nanoTime() - t0) / 1e6);
            }} catch (StackOverflowError e) {{
                b.append(",\"s\":\"error\",\"e\":"); w(b, "StackOverflowError" + where(e));
                b.append(",\"ms\":").append((System.nanoTime() - t0) / 1e6);
            }} catch (Throwable e) {{
                b.append(",\"s\":\"error\",\"e\":"); w(b, e.toString() + where(e));
                b.append(",\"ms\":").append((System.nanoTime() - t0) / 1e6);
            }} finally {{
                System.setOut(origOut); System.setErr(origErr);
            }}
            cs.flush();
            String o = cap.toString("UTF-8");
            if (o.length() > {CAPTURE_CAP}) o = o.substring(0, {CAPTURE_CAP});
            b.append(",\"o\":"); w(b, o); b.append('}}');
            // No string concatenation: its first use costs the JVM tens of milliseconds of
            // method-handle set-up, every run.
            real.print(nonce); real.print(' '); real.print(b); real.print('\n');
            real.flush();
        }}
    }}
}}
"#
    );
    let driver = format!("{RUNTIME}{helpers}{main}");
    vec![("Main.java".into(), driver), ("Solution.java".into(), format!("import java.util.*; {code}"))]
}

pub fn starter(call: &Call) -> String {
    let mut out = String::from("import java.util.*;\n\n");
    out.push_str(&call.provided(
        "// ListNode is provided: class ListNode { int val; ListNode next; ListNode(int val, ListNode next) }\n",
        "// TreeNode is provided: class TreeNode { int val; TreeNode left, right; TreeNode(int val) }\n",
    ));
    out.push_str(&JAVA.starter_method(call, ""));
    out
}
