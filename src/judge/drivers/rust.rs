//! Rust (edition 2024; the image has 1.97): one file — the candidate's
//! free function first (line numbers kept; an `allow` attribute shares their first line),
//! then `ListNode`/`TreeNode` as LeetCode defines them and the driver in a module. Reading
//! and writing go through two small traits implemented for every vocabulary type.

use super::{CAPTURE_CAP, Call, EmptyValues, RESULTS_FD};
use crate::problems::types::Type;

const RUNTIME: &str = r#"
#[derive(PartialEq, Eq, Clone, Debug)]
pub struct ListNode {
    pub val: i32,
    pub next: Option<Box<ListNode>>,
}
impl ListNode {
    #[inline]
    pub fn new(val: i32) -> Self { ListNode { next: None, val } }
}
#[derive(Debug, PartialEq, Eq)]
pub struct TreeNode {
    pub val: i32,
    pub left: Option<std::rc::Rc<std::cell::RefCell<TreeNode>>>,
    pub right: Option<std::rc::Rc<std::cell::RefCell<TreeNode>>>,
}
impl TreeNode {
    #[inline]
    pub fn new(val: i32) -> Self { TreeNode { val, left: None, right: None } }
}

mod coderoom_driver {
    use super::{ListNode, TreeNode};
    use std::cell::RefCell;
    use std::rc::Rc;

    pub struct Input { pub d: Vec<u8>, pub p: usize }
    impl Input {
        pub fn tok(&mut self) -> String {
            while self.p < self.d.len() && (self.d[self.p] == b' ' || self.d[self.p] == b'\n') { self.p += 1; }
            let s = self.p;
            while self.p < self.d.len() && self.d[self.p] != b' ' && self.d[self.p] != b'\n' { self.p += 1; }
            String::from_utf8_lossy(&self.d[s..self.p]).into_owned()
        }
    }
    pub trait R: Sized { fn r(i: &mut Input) -> Self; }
    impl R for i32 { fn r(i: &mut Input) -> Self { i.tok().parse().unwrap_or(0) } }
    impl R for i64 { fn r(i: &mut Input) -> Self { i.tok().parse().unwrap_or(0) } }
    impl R for f64 { fn r(i: &mut Input) -> Self { i.tok().parse().unwrap_or(0.0) } }
    impl R for bool { fn r(i: &mut Input) -> Self { i.tok() == "1" } }
    impl R for char { fn r(i: &mut Input) -> Self { std::char::from_u32(i.tok().parse().unwrap_or(0)).unwrap_or('\0') } }
    impl R for String {
        fn r(i: &mut Input) -> Self {
            let n: usize = i.tok().parse().unwrap_or(0);
            let s = i.p + 1;
            i.p = s + n;
            String::from_utf8_lossy(&i.d[s..i.p]).into_owned()
        }
    }
    impl<T: R> R for Vec<T> {
        fn r(i: &mut Input) -> Self {
            let n: usize = i.tok().parse().unwrap_or(0);
            (0..n).map(|_| T::r(i)).collect()
        }
    }
    impl R for Option<Box<ListNode>> {
        fn r(i: &mut Input) -> Self {
            let v: Vec<i32> = R::r(i);
            let mut head = None;
            for x in v.into_iter().rev() { head = Some(Box::new(ListNode { val: x, next: head })); }
            head
        }
    }
    impl R for Option<Rc<RefCell<TreeNode>>> {
        fn r(i: &mut Input) -> Self {
            let n: usize = i.tok().parse().unwrap_or(0);
            let v: Vec<Option<i32>> = (0..n).map(|_| { let t = i.tok(); if t == "n" { None } else { t.parse().ok() } }).collect();
            if v.is_empty() { return None; }
            let root = Rc::new(RefCell::new(TreeNode::new(v[0].unwrap_or(0))));
            let mut q = vec![root.clone()];
            let (mut idx, mut k) = (1, 0);
            while idx < v.len() && k < q.len() {
                let node = q[k].clone();
                k += 1;
                if let Some(x) = v[idx] { let c = Rc::new(RefCell::new(TreeNode::new(x))); node.borrow_mut().left = Some(c.clone()); q.push(c); }
                idx += 1;
                if idx < v.len() { if let Some(x) = v[idx] { let c = Rc::new(RefCell::new(TreeNode::new(x))); node.borrow_mut().right = Some(c.clone()); q.push(c); } }
                idx += 1;
            }
            Some(root)
        }
    }

    pub fn js(s: &str, o: &mut String) {
        o.push('"');
        for c in s.chars() {
            match c {
                '"' => o.push_str("\\\""),
                '\\' => o.push_str("\\\\"),
                c if (c as u32) < 0x20 => o.push_str(&format!("\\u{:04x}", c as u32)),
                c => o.push(c),
            }
        }
        o.push('"');
    }
    pub trait W { fn w(&self, o: &mut String); }
    impl W for i32 { fn w(&self, o: &mut String) { o.push_str(&self.to_string()); } }
    impl W for i64 { fn w(&self, o: &mut String) { o.push_str(&self.to_string()); } }
    impl W for f64 { fn w(&self, o: &mut String) { if self.is_finite() { o.push_str(&format!("{:?}", self)); } else { o.push_str("null"); } } }
    impl W for bool { fn w(&self, o: &mut String) { o.push_str(if *self { "true" } else { "false" }); } }
    impl W for char { fn w(&self, o: &mut String) { js(&self.to_string(), o); } }
    impl W for String { fn w(&self, o: &mut String) { js(self, o); } }
    impl<T: W> W for Vec<T> {
        fn w(&self, o: &mut String) {
            o.push('[');
            for (k, x) in self.iter().enumerate() { if k > 0 { o.push(','); } x.w(o); }
            o.push(']');
        }
    }
    impl W for Option<Box<ListNode>> {
        fn w(&self, o: &mut String) {
            let mut v: Vec<i32> = Vec::new();
            let mut p = self.as_ref();
            while let Some(n) = p { v.push(n.val); p = n.next.as_ref(); }
            v.w(o);
        }
    }
    impl W for Option<Rc<RefCell<TreeNode>>> {
        fn w(&self, o: &mut String) {
            let mut q: Vec<Option<Rc<RefCell<TreeNode>>>> = vec![self.clone()];
            let mut out: Vec<String> = Vec::new();
            let mut k = 0;
            while k < q.len() && k < 4_000_000 {
                match q[k].clone() {
                    None => out.push("null".to_string()),
                    Some(n) => { let n = n.borrow(); out.push(n.val.to_string()); q.push(n.left.clone()); q.push(n.right.clone()); }
                }
                k += 1;
            }
            while out.last().map(|s| s == "null").unwrap_or(false) { out.pop(); }
            o.push('[');
            o.push_str(&out.join(","));
            o.push(']');
        }
    }
    unsafe extern "C" {
        pub fn dup2(from: i32, to: i32) -> i32;
    }
}
"#;

fn rust_type(ty: &Type) -> String {
    match ty {
        Type::Int => "i32".into(),
        Type::Long => "i64".into(),
        Type::Double => "f64".into(),
        Type::Bool => "bool".into(),
        Type::Char => "char".into(),
        Type::String => "String".into(),
        Type::Array(inner) => format!("Vec<{}>", rust_type(inner)),
        Type::List => "Option<Box<ListNode>>".into(),
        Type::Tree => "Option<Rc<RefCell<TreeNode>>>".into(),
        Type::Void => "()".into(),
    }
}

/// The driver spells every type out, independent of the candidate's `use` lines.
fn qualified(ty: &Type) -> String {
    rust_type(ty).replace("Rc<RefCell<", "std::rc::Rc<std::cell::RefCell<")
}

pub fn program(call: &Call, code: &str) -> Vec<(String, String)> {
    let reads: String = call
        .arguments()
        .map(|a| format!("        let mut {}: {} = R::r(&mut input);\n", a.name, qualified(a.ty)))
        .collect();
    let args: Vec<String> = call
        .arguments()
        .map(|a| if a.mutated { format!("&mut {}", a.name) } else { format!("{}.clone()", a.name) })
        .collect();
    let invoke = format!("{}({})", call.sig.snake_name(), args.join(", "));
    let answer = match call.mutated {
        Some(i) => format!("{{ let _ = result; a{i}.clone() }}"),
        None => "result".into(),
    };
    let main = format!(
        r#"
fn main() {{
    use coderoom_driver::{{Input, R, W}};
    use std::io::{{Read, Write}};
    use std::os::unix::fs::FileExt;
    use std::os::unix::io::{{AsRawFd, FromRawFd}};
    let mut data = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut data);
    let mut input = Input {{ d: data, p: 0 }};
    let mut real = unsafe {{ std::fs::File::from_raw_fd({RESULTS_FD}) }};
    let capture = std::fs::OpenOptions::new().read(true).append(true).create(true).truncate(false).open(".capture").expect("capture file");
    let _ = capture.set_len(0);
    unsafe {{ coderoom_driver::dup2(capture.as_raw_fd(), 1); coderoom_driver::dup2(capture.as_raw_fd(), 2); }}
    thread_local!(static PANIC: std::cell::RefCell<String> = std::cell::RefCell::new(String::new()));
    std::panic::set_hook(Box::new(|info| {{
        let at = info.location().map(|l| format!(" (line {{}})", l.line())).unwrap_or_default();
        let text = if let Some(s) = info.payload().downcast_ref::<&str>() {{ s.to_string() }} else if let Some(s) = info.payload().downcast_ref::<String>() {{ s.clone() }} else {{ "panic".to_string() }};
        PANIC.with(|p| *p.borrow_mut() = format!("panicked: {{}}{{}}", text, at));
    }}));
    let nonce = input.tok();
    let count: usize = input.tok().parse().unwrap_or(0);
    for i in 0..count {{
{reads}        let _ = std::io::stdout().flush();
        let _ = capture.set_len(0);
        let started = std::time::Instant::now();
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {{
            let result = {invoke};
            {answer}
        }}));
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        let _ = std::io::stdout().flush();
        let _ = std::io::stderr().flush();
        let mut rec = format!("{{{{\"i\":{{}},\"ms\":{{}}", i, ms);
        match outcome {{
            Ok(value) => {{ rec.push_str(",\"s\":\"ok\",\"v\":"); value.w(&mut rec); }}
            Err(_) => {{
                rec.push_str(",\"s\":\"error\",\"e\":");
                let message = PANIC.with(|p| p.borrow().clone());
                coderoom_driver::js(&message, &mut rec);
            }}
        }}
        let mut printed = vec![0u8; {CAPTURE_CAP}];
        let got = capture.read_at(&mut printed, 0).unwrap_or(0);
        rec.push_str(",\"o\":");
        coderoom_driver::js(&String::from_utf8_lossy(&printed[..got]), &mut rec);
        rec.push('}}');
        let _ = real.write_all(format!("{{}} {{}}\n", nonce, rec).as_bytes());
        let _ = real.flush();
    }}
}}
"#
    );
    let source = format!(
        "#![allow(dead_code, unused_imports, unused_mut, unused_variables, non_snake_case)] {code}\n{RUNTIME}{main}"
    );
    vec![("main.rs".into(), source)]
}

const EMPTY: EmptyValues = EmptyValues { string: "String::new()", ..EmptyValues::typed("vec![]", "None") };

pub fn starter(call: &Call) -> String {
    let mut out = call.provided("// ListNode is provided: pub struct ListNode { pub val: i32, pub next: Option<Box<ListNode>> }\n", "// TreeNode is provided: pub struct TreeNode { pub val: i32, pub left/right: Option<Rc<RefCell<TreeNode>>> }\nuse std::cell::RefCell;\nuse std::rc::Rc;\n");
    let params: Vec<String> = call
        .sig
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if call.mutated == Some(i) {
                format!("{}: &mut {}", p.name, rust_type(&p.ty))
            } else {
                format!("{}: {}", p.name, rust_type(&p.ty))
            }
        })
        .collect();
    let (returns, body) = match call.mutated {
        Some(i) => (String::new(), format!("    // Modify {} in place.\n", call.sig.params[i].name)),
        None => (
            format!(" -> {}", rust_type(&call.sig.returns)),
            format!("    // Write your solution here.\n    {}\n", EMPTY.of(&call.sig.returns)),
        ),
    };
    out.push_str(&format!("fn {}({}){returns} {{\n{body}}}\n", call.sig.snake_name(), params.join(", ")));
    out
}
