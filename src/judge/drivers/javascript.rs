//! JavaScript and TypeScript: one file, the candidate's code first (so its line numbers are
//! kept), then `ListNode`/`TreeNode` (classes are only used when tests run, after their
//! definitions) and the driver in its own function scope.

use super::{CAPTURE_CAP, Call, EmptyValues, RESULTS_FD, quoted};
use crate::problems::types::Type;

const CLASSES_JS: &str = r#"
class ListNode {
    constructor(val, next) { this.val = val === undefined ? 0 : val; this.next = next === undefined ? null : next; }
}
class TreeNode {
    constructor(val, left, right) {
        this.val = val === undefined ? 0 : val;
        this.left = left === undefined ? null : left;
        this.right = right === undefined ? null : right;
    }
}
"#;

const CLASSES_TS: &str = r#"
class ListNode {
    val: number; next: ListNode | null;
    constructor(val?: number, next?: ListNode | null) { this.val = val === undefined ? 0 : val; this.next = next === undefined ? null : next; }
}
class TreeNode {
    val: number; left: TreeNode | null; right: TreeNode | null;
    constructor(val?: number, left?: TreeNode | null, right?: TreeNode | null) {
        this.val = val === undefined ? 0 : val;
        this.left = left === undefined ? null : left;
        this.right = right === undefined ? null : right;
    }
}
"#;

/// Written as plain JavaScript that also type-checks as (non-strict) TypeScript.
const DRIVER: &str = r#"
(function (__fn: any) {
    const fs: any = require("fs");
    const D: any = fs.readFileSync(0);
    let P = 0;
    function tok(): string {
        while (P < D.length && (D[P] === 32 || D[P] === 10)) P++;
        const s = P;
        while (P < D.length && D[P] !== 32 && D[P] !== 10) P++;
        return D.toString("latin1", s, P);
    }
    // A number read in place, without a string per token (which cost more than the rest of
    // reading a large input). Integers of up to 15 digits are exact as doubles, anything else
    // (a fraction, an exponent, more digits) is converted by Number as before.
    function num(): any {
        while (P < D.length && (D[P] === 32 || D[P] === 10)) P++;
        const s = P, negative = D[P] === 45;
        if (negative) P++;
        const digits = P;
        let v = 0;
        while (P < D.length && D[P] >= 48 && D[P] <= 57) v = v * 10 + (D[P++] - 48);
        if (P === digits || P - digits > 15 || (P < D.length && D[P] !== 32 && D[P] !== 10)) {
            while (P < D.length && D[P] !== 32 && D[P] !== 10) P++;
            return Number(D.toString("latin1", s, P));
        }
        return negative ? -v : v;
    }
    function read(t: string): any {
        if (t.endsWith("[]")) {
            const n = num(), inner = t.slice(0, -2), a: any[] = new Array(n);
            for (let i = 0; i < n; i++) a[i] = read(inner);
            return a;
        }
        switch (t) {
            case "int": case "long": case "double": return num();
            case "bool": return tok() === "1";
            case "char": return String.fromCharCode(Number(tok()));
            case "string": { const n = Number(tok()); const s = P + 1; P = s + n; return D.toString("utf8", s, P); }
            case "list": { const v = read("int[]"); let h: any = null; for (let i = v.length - 1; i >= 0; i--) h = new ListNode(v[i], h); return h; }
            case "tree": {
                const n = Number(tok()), v: any[] = [];
                for (let i = 0; i < n; i++) { const x = tok(); v.push(x === "n" ? null : Number(x)); }
                if (v.length === 0) return null;
                const root: any = new TreeNode(v[0]), q: any[] = [root];
                let i = 1, k = 0;
                while (i < v.length && k < q.length) {
                    const node = q[k++];
                    if (i < v.length && v[i] !== null) { node.left = new TreeNode(v[i]); q.push(node.left); }
                    i++;
                    if (i < v.length && v[i] !== null) { node.right = new TreeNode(v[i]); q.push(node.right); }
                    i++;
                }
                return root;
            }
        }
        throw new Error("unknown type " + t);
    }
    function out(t: string, v: any): any {
        if (t === "list") {
            const a: any[] = [];
            for (let n = v; n !== null && n !== undefined; n = n.next) { a.push(n.val); if (a.length > 1000000) throw new Error("the returned list has a cycle"); }
            return a;
        }
        if (t === "tree") {
            const a: any[] = [], q: any[] = [v];
            for (let k = 0; k < q.length; k++) {
                const n = q[k];
                if (n === null || n === undefined) a.push(null); else { a.push(n.val); q.push(n.left); q.push(n.right); }
                if (k > 2000000) throw new Error("the returned tree is too large or has a cycle");
            }
            while (a.length && a[a.length - 1] === null) a.pop();
            return a;
        }
        if (v === null || v === undefined) return null;
        if (t.endsWith("[]")) { const inner = t.slice(0, -2); return Array.from(v, (x: any) => out(inner, x)); }
        if (typeof v === "bigint") return Number(v);
        return v;
    }
    function write(text: string) {
        const b = Buffer.from(text, "utf8");
        let off = 0;
        while (off < b.length) {
            try { off += fs.writeSync(RESULTS_FD, b, off, b.length - off); }
            catch (e: any) { if (e.code !== "EAGAIN") throw e; }
        }
    }
    const nonce = tok(), count = Number(tok());
    if (typeof __fn !== "function") { write(nonce + " " + JSON.stringify({ compile: "the code does not define a function named " + NAME }) + "\n"); return; }
    const stdout = process.stdout, stderr = process.stderr;
    const realOut = stdout.write, realErr = stderr.write;
    let captured = "";
    const grab = function (chunk: any) { if (captured.length < CAP) captured += String(chunk); return true; };
    for (let i = 0; i < count; i++) {
        const args = PARAMS.map(read);
        const record: any = { i: i };
        captured = "";
        stdout.write = grab; stderr.write = grab;
        const started = performance.now();
        try {
            const result = __fn(...args);
            record.ms = performance.now() - started;
            stdout.write = realOut; stderr.write = realErr;
            record.v = out(ANSWER, ANSWER_VALUE);
            record.s = "ok";
        } catch (e: any) {
            record.ms = performance.now() - started;
            const text = e instanceof Error ? e.name + ": " + e.message : "thrown: " + String(e);
            record.s = /heap out of memory|Invalid array length|Array buffer allocation failed/.test(text) ? "memory" : "error";
            const at = e && e.stack ? String(e.stack).split("\n").find((l: string) => l.includes("main.")) : undefined;
            record.e = at ? text + " (" + at.trim() + ")" : text;
        } finally {
            stdout.write = realOut; stderr.write = realErr;
        }
        record.o = captured.slice(0, CAP);
        let line: string;
        try { line = JSON.stringify(record); }
        catch (e) { line = JSON.stringify({ i: i, s: "error", e: "the returned value cannot be converted to " + ANSWER, o: record.o, ms: record.ms }); }
        write(nonce + " " + line + "\n");
    }
})(typeof FUNCTION === "function" ? FUNCTION : (typeof Solution === "function" ? ((s: any) => s.FUNCTION ? s.FUNCTION.bind(s) : undefined)(new (Solution as any)()) : undefined));
"#;

pub fn program(call: &Call, code: &str, typescript: bool) -> Vec<(String, String)> {
    let params: Vec<String> = call.sig.params.iter().map(|p| quoted(&p.ty.to_string())).collect();
    let driver = DRIVER
        .replace("PARAMS", &format!("[{}]", params.join(", ")))
        .replace("ANSWER_VALUE", &call.mutated.map_or("result".to_string(), |i| format!("args[{i}]")))
        .replace("ANSWER", &quoted(&call.answer_type().to_string()))
        .replace("CAP", &CAPTURE_CAP.to_string())
        .replace("RESULTS_FD", &RESULTS_FD.to_string())
        .replace("FUNCTION", &call.sig.name)
        .replace("NAME", &quoted(&call.sig.name));
    let (classes, driver, file) = if typescript {
        // `Solution` only exists when the candidate wrote a class; declare it for the checker.
        let declare = if code.contains("class Solution") { "" } else { "declare var Solution: any;\n" };
        (CLASSES_TS, format!("{declare}{driver}"), "main.ts")
    } else {
        (CLASSES_JS, strip_types(&driver), "main.js")
    };
    vec![(file.into(), format!("{code}\n{classes}{driver}"))]
}

/// The driver's TypeScript annotations are all of the form `: any`, `: string`, `: any[]`
/// or `(e: any)`; removing them yields the JavaScript driver.
fn strip_types(ts: &str) -> String {
    let mut out = ts.to_string();
    for annotation in [": any[]", ": any", ": string", "(Solution as any)"] {
        let replacement = if annotation == "(Solution as any)" { "Solution" } else { "" };
        out = out.replace(annotation, replacement);
    }
    out
}

fn ts_type(ty: &Type) -> String {
    match ty {
        Type::Int | Type::Long | Type::Double => "number".into(),
        Type::Bool => "boolean".into(),
        Type::Char | Type::String => "string".into(),
        Type::Array(inner) => format!("{}[]", ts_type(inner)),
        Type::List => "ListNode | null".into(),
        Type::Tree => "TreeNode | null".into(),
        Type::Void => "void".into(),
    }
}

/// Numbers are one type; a `char` is a one-letter string.
const EMPTY: EmptyValues = EmptyValues { double: "0", character: "\"\"", ..EmptyValues::typed("[]", "null") };

pub fn starter(call: &Call, typescript: bool) -> String {
    let mut out = call.provided(
        "// ListNode is provided: class ListNode { val; next }  (new ListNode(val, next))\n",
        "// TreeNode is provided: class TreeNode { val; left; right }  (new TreeNode(val, left, right))\n",
    );
    let body = match call.mutated {
        Some(i) => format!("    // Modify {} in place; nothing is returned.\n", call.sig.params[i].name),
        None => format!("    // Write your solution here.\n    return {};\n", EMPTY.of(&call.sig.returns)),
    };
    if typescript {
        let params: Vec<String> = call.sig.params.iter().map(|p| format!("{}: {}", p.name, ts_type(&p.ty))).collect();
        out.push_str(&format!(
            "function {}({}): {} {{\n{body}}}\n",
            call.sig.name,
            params.join(", "),
            ts_type(&call.sig.returns)
        ));
    } else {
        let docs: Vec<String> =
            call.sig.params.iter().map(|p| format!(" * @param {{{}}} {}", ts_type(&p.ty), p.name)).collect();
        let params: Vec<&str> = call.sig.params.iter().map(|p| p.name.as_str()).collect();
        out.push_str(&format!(
            "/**\n{}\n * @return {{{}}}\n */\nfunction {}({}) {{\n{body}}}\n",
            docs.join("\n"),
            ts_type(&call.sig.returns),
            call.sig.name,
            params.join(", ")
        ));
    }
    out
}
