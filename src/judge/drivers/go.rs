//! Go (the image has 1.27; the driver keeps to what 1.19 had): the driver is `main.go`,
//! the candidate's code `solution.go` in the same package (`package main` is added on its
//! first line when missing, so line numbers are kept). `os.Stdout`/`os.Stderr` point at a
//! capture file during each call; results go to the result channel.

use std::collections::BTreeSet;

use super::{CAPTURE_CAP, Call, EmptyValues, RESULTS_FD};
use crate::problems::types::Type;

const RUNTIME: &str = r#"package main

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"
)

type ListNode struct {
	Val  int
	Next *ListNode
}

type TreeNode struct {
	Val   int
	Left  *TreeNode
	Right *TreeNode
}

var coderoomD []byte
var coderoomP int

func coderoomTok() string {
	for coderoomP < len(coderoomD) && (coderoomD[coderoomP] == ' ' || coderoomD[coderoomP] == '\n') {
		coderoomP++
	}
	s := coderoomP
	for coderoomP < len(coderoomD) && coderoomD[coderoomP] != ' ' && coderoomD[coderoomP] != '\n' {
		coderoomP++
	}
	return string(coderoomD[s:coderoomP])
}

func crInt() int        { n, _ := strconv.Atoi(coderoomTok()); return n }
func crLong() int64     { n, _ := strconv.ParseInt(coderoomTok(), 10, 64); return n }
func crDouble() float64 { f, _ := strconv.ParseFloat(coderoomTok(), 64); return f }
func crBool() bool      { return coderoomTok() == "1" }
func crChar() byte      { return byte(crInt()) }
func crStr() string {
	n := crInt()
	s := coderoomP + 1
	coderoomP = s + n
	return string(coderoomD[s:coderoomP])
}
func crList() *ListNode {
	n := crInt()
	v := make([]int, n)
	for i := range v {
		v[i] = crInt()
	}
	var h *ListNode
	for i := n - 1; i >= 0; i-- {
		h = &ListNode{Val: v[i], Next: h}
	}
	return h
}
func crTree() *TreeNode {
	n := crInt()
	v := make([]string, n)
	for i := range v {
		v[i] = coderoomTok()
	}
	if n == 0 {
		return nil
	}
	atoi := func(s string) int { x, _ := strconv.Atoi(s); return x }
	root := &TreeNode{Val: atoi(v[0])}
	q := []*TreeNode{root}
	i, k := 1, 0
	for i < n && k < len(q) {
		node := q[k]
		k++
		if i < n && v[i] != "n" {
			node.Left = &TreeNode{Val: atoi(v[i])}
			q = append(q, node.Left)
		}
		i++
		if i < n && v[i] != "n" {
			node.Right = &TreeNode{Val: atoi(v[i])}
			q = append(q, node.Right)
		}
		i++
	}
	return root
}

func crW(b *strings.Builder, v interface{}) {
	switch x := v.(type) {
	case *ListNode:
		b.WriteByte('[')
		count := 0
		for p := x; p != nil; p = p.Next {
			if count > 0 {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(p.Val))
			count++
			if count > 1000000 {
				panic("the returned list has a cycle")
			}
		}
		b.WriteByte(']')
		return
	case *TreeNode:
		q := []*TreeNode{x}
		out := []string{}
		for k := 0; k < len(q); k++ {
			if q[k] == nil {
				out = append(out, "null")
			} else {
				out = append(out, strconv.Itoa(q[k].Val))
				q = append(q, q[k].Left, q[k].Right)
			}
			if k > 2000000 {
				panic("the returned tree is too large or has a cycle")
			}
		}
		for len(out) > 0 && out[len(out)-1] == "null" {
			out = out[:len(out)-1]
		}
		b.WriteString("[" + strings.Join(out, ",") + "]")
		return
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice:
		b.WriteByte('[')
		for i := 0; i < rv.Len(); i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			crW(b, rv.Index(i).Interface())
		}
		b.WriteByte(']')
	case reflect.Int, reflect.Int64, reflect.Int32:
		b.WriteString(strconv.FormatInt(rv.Int(), 10))
	case reflect.Float64:
		f := rv.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) {
			b.WriteString("null")
		} else {
			b.WriteString(strconv.FormatFloat(f, 'g', -1, 64))
		}
	case reflect.Bool:
		b.WriteString(strconv.FormatBool(rv.Bool()))
	case reflect.Uint8:
		s, _ := json.Marshal(string([]byte{byte(rv.Uint())}))
		b.Write(s)
	case reflect.String:
		s, _ := json.Marshal(rv.String())
		b.Write(s)
	default:
		b.WriteString("null")
	}
}

func crJSON(s string) string { b, _ := json.Marshal(s); return string(b) }

var _ = fmt.Sprint
var _ = io.EOF
"#;

fn go_type(ty: &Type) -> String {
    match ty {
        Type::Int => "int".into(),
        Type::Long => "int64".into(),
        Type::Double => "float64".into(),
        Type::Bool => "bool".into(),
        Type::Char => "byte".into(),
        Type::String => "string".into(),
        Type::Array(inner) => format!("[]{}", go_type(inner)),
        Type::List => "*ListNode".into(),
        Type::Tree => "*TreeNode".into(),
        Type::Void => String::new(),
    }
}

fn collect_arrays(ty: &Type, seen: &mut BTreeSet<String>, defs: &mut Vec<String>) {
    if let Type::Array(inner) = ty {
        collect_arrays(inner, seen, defs);
        if seen.insert(ty.key()) {
            defs.push(format!(
                "func cr{key}() {t} {{\n\tn := crInt()\n\ta := make({t}, n)\n\tfor i := range a {{\n\t\ta[i] = cr{inner}()\n\t}}\n\treturn a\n}}\n",
                key = ty.key(),
                t = go_type(ty),
                inner = inner.key()
            ));
        }
    }
}

pub fn program(call: &Call, code: &str) -> Vec<(String, String)> {
    let mut seen = BTreeSet::new();
    let mut helpers = Vec::new();
    for ty in call.sig.params.iter().map(|p| &p.ty) {
        collect_arrays(ty, &mut seen, &mut helpers);
    }
    let reads: String = call.arguments().map(|a| format!("\t\t{} := cr{}()\n", a.name, a.ty.key())).collect();
    let args: Vec<String> = call.arguments().map(|a| a.name).collect();
    let invoke = format!("{}({})", call.sig.name, args.join(", "));
    let (call_line, answer) = match call.mutated {
        Some(i) => (invoke, format!("a{i}")),
        None => (format!("r := {invoke}"), "r".into()),
    };
    let main = format!(
        r#"
func main() {{
	coderoomD, _ = io.ReadAll(os.Stdin)
	real := os.NewFile({RESULTS_FD}, "results")
	stdout, stderr := os.Stdout, os.Stderr
	capture, _ := os.OpenFile(".capture", os.O_CREATE|os.O_RDWR|os.O_TRUNC|os.O_APPEND, 0600)
	nonce := coderoomTok()
	count := crInt()
	for i := 0; i < count; i++ {{
{reads}		status, value, message := "error", "null", ""
		capture.Truncate(0)
		os.Stdout, os.Stderr = capture, capture
		started := time.Now()
		var ms float64
		func() {{
			defer func() {{
				if p := recover(); p != nil {{
					ms = float64(time.Since(started).Nanoseconds()) / 1e6
					message = fmt.Sprint("panic: ", p)
				}}
			}}()
			{call_line}
			ms = float64(time.Since(started).Nanoseconds()) / 1e6
			var b strings.Builder
			crW(&b, {answer})
			value, status = b.String(), "ok"
		}}()
		os.Stdout, os.Stderr = stdout, stderr
		printed := make([]byte, {CAPTURE_CAP})
		got, _ := capture.ReadAt(printed, 0)
		rec := fmt.Sprintf("{{\"i\":%d,\"s\":%q,\"v\":%s,\"ms\":%s,\"o\":%s", i, status, value, strconv.FormatFloat(ms, 'f', 3, 64), crJSON(string(printed[:got])))
		if message != "" {{
			rec += ",\"e\":" + crJSON(message)
		}}
		real.WriteString(nonce + " " + rec + "}}\n")
	}}
}}
"#
    );
    let solution = if code.trim_start().starts_with("package") || code.contains("\npackage ") {
        code.to_string()
    } else {
        format!("package main; {code}")
    };
    vec![("main.go".into(), format!("{RUNTIME}{}{main}", helpers.concat())), ("solution.go".into(), solution)]
}

/// A `char` is a `byte`.
const EMPTY: EmptyValues = EmptyValues { character: "0", ..EmptyValues::typed("nil", "nil") };

pub fn starter(call: &Call) -> String {
    let mut out = String::from("package main\n\n");
    out.push_str(&call.provided(
        "// ListNode is provided: type ListNode struct { Val int; Next *ListNode }\n",
        "// TreeNode is provided: type TreeNode struct { Val int; Left, Right *TreeNode }\n",
    ));
    let params: Vec<String> = call.sig.params.iter().map(|p| format!("{} {}", p.name, go_type(&p.ty))).collect();
    let returns = go_type(&call.sig.returns);
    let body = match call.mutated {
        Some(i) => format!("\t// Modify {} in place.\n", call.sig.params[i].name),
        None => format!("\t// Write your solution here.\n\treturn {}\n", EMPTY.of(&call.sig.returns)),
    };
    let returns = if returns.is_empty() { String::new() } else { format!(" {returns}") };
    out.push_str(&format!("func {}({}){returns} {{\n{body}}}\n", call.sig.name, params.join(", ")));
    out
}
