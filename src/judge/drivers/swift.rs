//! Swift: `main.swift` (driver, `ListNode`, `TreeNode` as LeetCode defines them) and the
//! candidate's `Solution.swift`, unchanged, compiled together with `swiftc -O`. Parameters
//! take no argument labels (`_`), as on LeetCode; a parameter changed in place is `inout`.
//! Prints go to a capture file during each call; stderr stays the process's own, so that a
//! runtime trap (index out of range, overflow, nil unwrapped) names its cause there.

use super::{CAPTURE_CAP, Call, EmptyValues, RESULTS_FD};
use crate::problems::types::Type;

const RUNTIME: &str = r#"#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

public class ListNode {
    public var val: Int
    public var next: ListNode?
    public init() { self.val = 0; self.next = nil }
    public init(_ val: Int) { self.val = val; self.next = nil }
    public init(_ val: Int, _ next: ListNode?) { self.val = val; self.next = next }
}

public class TreeNode {
    public var val: Int
    public var left: TreeNode?
    public var right: TreeNode?
    public init() { self.val = 0; self.left = nil; self.right = nil }
    public init(_ val: Int) { self.val = val; self.left = nil; self.right = nil }
    public init(_ val: Int, _ left: TreeNode?, _ right: TreeNode?) { self.val = val; self.left = left; self.right = right }
}

var crD: [UInt8] = []
var crP = 0

func crSkip() { while crP < crD.count && (crD[crP] == 32 || crD[crP] == 10) { crP += 1 } }
func crTok() -> String {
    crSkip()
    let s = crP
    while crP < crD.count && crD[crP] != 32 && crD[crP] != 10 { crP += 1 }
    return String(decoding: crD[s..<crP], as: UTF8.self)
}
func crInt() -> Int {
    crSkip()
    var negative = false
    if crP < crD.count && crD[crP] == 45 { negative = true; crP += 1 }
    var value = 0
    while crP < crD.count && crD[crP] >= 48 && crD[crP] <= 57 { value = value &* 10 &+ Int(crD[crP] &- 48); crP += 1 }
    return negative ? -value : value
}
func crDouble() -> Double { Double(crTok()) ?? 0 }
func crBool() -> Bool { crTok() == "1" }
func crChar() -> Character { Character(Unicode.Scalar(UInt32(truncatingIfNeeded: crInt())) ?? " ") }
func crStr() -> String {
    let n = crInt()
    let s = crP + 1
    crP = s + n
    return String(decoding: crD[s..<crP], as: UTF8.self)
}
func crArr<T>(_ element: () -> T) -> [T] {
    let n = crInt()
    var a: [T] = []
    a.reserveCapacity(n)
    for _ in 0..<n { a.append(element()) }
    return a
}
func crList() -> ListNode? {
    let values = crArr(crInt)
    var head: ListNode? = nil
    for v in values.reversed() { head = ListNode(v, head) }
    return head
}
func crTree() -> TreeNode? {
    let tokens = crArr(crTok)
    guard let first = tokens.first, let rootValue = Int(first) else { return nil }
    let root = TreeNode(rootValue)
    var queue = [root]
    var k = 0
    var i = 1
    while i < tokens.count && k < queue.count {
        let node = queue[k]
        k += 1
        if let v = Int(tokens[i]) { node.left = TreeNode(v); queue.append(node.left!) }
        i += 1
        if i < tokens.count, let v = Int(tokens[i]) { node.right = TreeNode(v); queue.append(node.right!) }
        i += 1
    }
    return root
}

struct CrFailure: Error { let message: String }

func crW(_ b: inout [UInt8], _ x: Int) { b.append(contentsOf: String(x).utf8) }
func crW(_ b: inout [UInt8], _ x: Double) { b.append(contentsOf: (x.isFinite ? "\(x)" : "null").utf8) }
func crW(_ b: inout [UInt8], _ x: Bool) { b.append(contentsOf: (x ? "true" : "false").utf8) }
func crW(_ b: inout [UInt8], _ x: Character) { crW(&b, String(x)) }
func crW(_ b: inout [UInt8], _ s: String) {
    b.append(34)
    for c in s.utf8 {
        if c == 34 || c == 92 { b.append(92); b.append(c) }
        else if c < 0x20 {
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            b.append(contentsOf: [92, 117, 48, 48, hex[Int(c >> 4)], hex[Int(c & 15)]])
        } else { b.append(c) }
    }
    b.append(34)
}
func crW(_ b: inout [UInt8], _ list: ListNode?) throws {
    b.append(91)
    var node = list
    var count = 0
    while let n = node {
        if count > 0 { b.append(44) }
        crW(&b, n.val)
        count += 1
        if count > 1_000_000 { throw CrFailure(message: "the returned list has a cycle") }
        node = n.next
    }
    b.append(93)
}
func crW(_ b: inout [UInt8], _ tree: TreeNode?) throws {
    var queue: [TreeNode?] = [tree]
    var k = 0
    var end = 0
    while k < queue.count {
        if let n = queue[k] { queue.append(n.left); queue.append(n.right); end = k + 1 }
        k += 1
        if k > 2_000_000 { throw CrFailure(message: "the returned tree is too large or has a cycle") }
    }
    b.append(91)
    for (index, node) in queue[0..<end].enumerated() {
        if index > 0 { b.append(44) }
        if let n = node { crW(&b, n.val) } else { b.append(contentsOf: "null".utf8) }
    }
    b.append(93)
}
func crWA<T>(_ b: inout [UInt8], _ a: [T], _ element: (inout [UInt8], T) throws -> Void) rethrows {
    b.append(91)
    for (index, x) in a.enumerated() {
        if index > 0 { b.append(44) }
        try element(&b, x)
    }
    b.append(93)
}

func crNow() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1e6
}
func crSend(_ bytes: [UInt8]) {
    var sent = 0
    while sent < bytes.count {
        let n = bytes[sent...].withUnsafeBytes { write(__RESULTS_FD__, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        sent += n
    }
}
"#;

fn swift_type(ty: &Type) -> String {
    match ty {
        Type::Int | Type::Long => "Int".into(),
        Type::Double => "Double".into(),
        Type::Bool => "Bool".into(),
        Type::Char => "Character".into(),
        Type::String => "String".into(),
        Type::Array(inner) => format!("[{}]", swift_type(inner)),
        Type::List => "ListNode?".into(),
        Type::Tree => "TreeNode?".into(),
        Type::Void => "Void".into(),
    }
}

/// An expression reading one value of `ty` from the input.
fn read(ty: &Type) -> String {
    match ty {
        Type::Int | Type::Long => "crInt()".into(),
        Type::Double => "crDouble()".into(),
        Type::Bool => "crBool()".into(),
        Type::Char => "crChar()".into(),
        Type::String => "crStr()".into(),
        Type::Array(inner) => format!("crArr {{ {} }}", read(inner)),
        Type::List => "crList()".into(),
        Type::Tree => "crTree()".into(),
        Type::Void => "()".into(),
    }
}

/// A statement appending `value` (of `ty`) as JSON to the buffer `buffer`; `depth` keeps
/// nested closures' parameter names apart. Only lists and trees can fail (a cycle), and only
/// their writes are marked `try`, so that the driver compiles without warnings.
fn write(ty: &Type, buffer: &str, value: &str, depth: usize) -> String {
    let attempt = if matches!(ty.base(), Type::List | Type::Tree) { "try " } else { "" };
    match ty {
        Type::Array(inner) => {
            let (b, x) = (format!("b{depth}"), format!("x{depth}"));
            format!("{attempt}crWA(&{buffer}, {value}) {{ {b}, {x} in {} }}", write(inner, &b, &x, depth + 1))
        }
        Type::Void => format!("{buffer}.append(contentsOf: \"null\".utf8)"),
        _ => format!("{attempt}crW(&{buffer}, {value})"),
    }
}

pub fn program(call: &Call, code: &str) -> Vec<(String, String)> {
    let reads: String = call
        .arguments()
        .map(|a| {
            let binding = if a.mutated { "var" } else { "let" };
            format!("    {binding} {}: {} = {}\n", a.name, swift_type(a.ty), read(a.ty))
        })
        .collect();
    let args: Vec<String> = call.arguments().map(|a| if a.mutated { format!("&{}", a.name) } else { a.name }).collect();
    let invoke = format!("solution.{}({})", call.sig.name, args.join(", "));
    let (call_line, answer) = match (call.mutated, &call.sig.returns) {
        (Some(i), _) => (format!("_ = {invoke}"), write(&call.sig.params[i].ty, "v", &format!("a{i}"), 0)),
        (None, Type::Void) => (format!("_ = {invoke}"), write(&Type::Void, "v", "", 0)),
        (None, returns) => (format!("let r: {} = {invoke}", swift_type(returns)), write(returns, "v", "r", 0)),
    };
    let main = format!(
        r#"
func crMain() {{
    var buffer = [UInt8](repeating: 0, count: 1 << 16)
    while true {{
        let n = read(0, &buffer, buffer.count)
        if n <= 0 {{ break }}
        crD.append(contentsOf: buffer[0..<n])
    }}
    let capture = open(".capture", O_CREAT | O_RDWR | O_TRUNC | O_APPEND, 0o600)
    dup2(capture, 1)
    let nonce = Array(crTok().utf8)
    let count = crInt()
    for i in 0..<count {{
{reads}        fflush(stdout)
        _ = ftruncate(capture, 0)
        let solution = Solution()
        let t0 = crNow()
        {call_line}
        let ms = crNow() - t0
        fflush(stdout)
        var line = nonce
        line.append(contentsOf: " {{\"i\":".utf8)
        crW(&line, i)
        var v: [UInt8] = []
        let answer: (inout [UInt8]) throws -> Void = {{ v in {answer} }}
        do {{
            try answer(&v)
            line.append(contentsOf: ",\"s\":\"ok\",\"v\":".utf8)
            line.append(contentsOf: v)
        }} catch let failure as CrFailure {{
            line.append(contentsOf: ",\"s\":\"error\",\"e\":".utf8)
            crW(&line, failure.message)
        }} catch {{
            line.append(contentsOf: ",\"s\":\"error\",\"e\":".utf8)
            crW(&line, "\(error)")
        }}
        line.append(contentsOf: ",\"ms\":".utf8)
        crW(&line, ms)
        var printed = [UInt8](repeating: 0, count: {CAPTURE_CAP})
        let got = pread(capture, &printed, printed.count, 0)
        line.append(contentsOf: ",\"o\":".utf8)
        crW(&line, String(decoding: printed[0..<max(0, got)], as: UTF8.self))
        line.append(contentsOf: "}}\n".utf8)
        crSend(line)
    }}
}}

crMain()
"#
    );
    let runtime = RUNTIME.replace("__RESULTS_FD__", &RESULTS_FD.to_string());
    vec![("main.swift".into(), format!("{runtime}{main}")), ("Solution.swift".into(), code.to_string())]
}

/// A `Character` is written as a string literal.
const EMPTY: EmptyValues = EmptyValues { character: "\" \"", ..EmptyValues::typed("[]", "nil") };

pub fn starter(call: &Call) -> String {
    let mut out = call.provided("// ListNode is provided: public class ListNode { public var val: Int; public var next: ListNode?; init(_ val: Int, _ next: ListNode?) }\n", "// TreeNode is provided: public class TreeNode { public var val: Int; public var left, right: TreeNode?; init(_ val: Int, _ left: TreeNode?, _ right: TreeNode?) }\n");
    if !out.is_empty() {
        out.push('\n');
    }
    let params: Vec<String> = call
        .sig
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let inout = if call.mutated == Some(i) { "inout " } else { "" };
            format!("_ {}: {inout}{}", p.name, swift_type(&p.ty))
        })
        .collect();
    let returns = match &call.sig.returns {
        Type::Void => String::new(),
        ty => format!(" -> {}", swift_type(ty)),
    };
    let body = match call.mutated {
        Some(i) => format!("        // Modify {} in place.\n", call.sig.params[i].name),
        None if call.sig.returns == Type::Void => "        // Write your solution here.\n".into(),
        None => format!("        // Write your solution here.\n        return {}\n", EMPTY.of(&call.sig.returns)),
    };
    out.push_str(&format!(
        "class Solution {{\n    func {}({}){returns} {{\n{body}    }}\n}}\n",
        call.sig.name,
        params.join(", ")
    ));
    out
}
