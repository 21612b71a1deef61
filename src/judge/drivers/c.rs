//! C: LeetCode's conventions — arrays come with their sizes (`int* nums, int numsSize`,
//! 2-D adds `int* gridColSize`), returned arrays report theirs through `int* returnSize`
//! (and `int** returnColumnSizes` for 2-D). One file, the candidate's code under
//! `#line 1 "solution.c"`, capture as in C++.

use super::{CAPTURE_CAP, Call, EmptyValues, RESULTS_FD};
use crate::problems::types::Type;

const PRELUDE: &str = r#"#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>
#include <limits.h>
#include <math.h>
#include <ctype.h>
#include <stdint.h>
#include <fcntl.h>
#include <unistd.h>
#include <time.h>
struct ListNode { int val; struct ListNode *next; };
struct TreeNode { int val; struct TreeNode *left; struct TreeNode *right; };
"#;

const RUNTIME: &str = r#"
static char *cr_D; static size_t cr_N, cr_P;
static char *cr_tok(void) {
    while (cr_P < cr_N && (cr_D[cr_P] == ' ' || cr_D[cr_P] == '\n')) cr_P++;
    size_t s = cr_P;
    while (cr_P < cr_N && cr_D[cr_P] != ' ' && cr_D[cr_P] != '\n') cr_P++;
    cr_D[cr_P] = 0; /* the encoder always ends a token with a separator */
    if (cr_P < cr_N) cr_P++;
    return cr_D + s;
}
static int cr_rInt(void) { return (int) strtol(cr_tok(), NULL, 10); }
static long long cr_rLong(void) { return strtoll(cr_tok(), NULL, 10); }
static double cr_rDouble(void) { return strtod(cr_tok(), NULL); }
static bool cr_rBool(void) { return cr_tok()[0] == '1'; }
static char cr_rChar(void) { return (char) strtol(cr_tok(), NULL, 10); }
static char *cr_rStr(void) {
    size_t n = (size_t) strtoul(cr_tok(), NULL, 10);
    char *s = malloc(n + 1);
    memcpy(s, cr_D + cr_P, n); s[n] = 0;
    cr_P += n;
    return s;
}
static struct ListNode *cr_rList(void) {
    int n = cr_rInt();
    struct ListNode *head = NULL, **tail = &head;
    for (int i = 0; i < n; i++) {
        struct ListNode *node = malloc(sizeof *node);
        node->val = cr_rInt(); node->next = NULL;
        *tail = node; tail = &node->next;
    }
    return head;
}
static struct TreeNode *cr_node(int v) { struct TreeNode *t = malloc(sizeof *t); t->val = v; t->left = t->right = NULL; return t; }
static struct TreeNode *cr_rTree(void) {
    int n = cr_rInt();
    if (n == 0) return NULL;
    struct TreeNode **q = malloc(sizeof(struct TreeNode *) * (size_t) n);
    int qn = 0, k = 0;
    char *t = cr_tok();
    struct TreeNode *root = cr_node(atoi(t));
    q[qn++] = root;
    for (int i = 1; i < n; i++) {
        t = cr_tok();
        struct TreeNode *child = t[0] == 'n' ? NULL : cr_node(atoi(t));
        if (child) q[qn++] = child;
        struct TreeNode *parent = q[k];
        if (i % 2 == 1) parent->left = child; else { parent->right = child; k++; }
    }
    free(q);
    return root;
}
typedef struct { char *p; size_t n, cap; } cr_buf;
static void cr_put(cr_buf *b, const char *s, size_t n) {
    if (b->n + n + 1 > b->cap) { b->cap = (b->n + n + 1) * 2; b->p = realloc(b->p, b->cap); }
    memcpy(b->p + b->n, s, n); b->n += n; b->p[b->n] = 0;
}
static void cr_puts(cr_buf *b, const char *s) { cr_put(b, s, strlen(s)); }
static void cr_wStrN(cr_buf *b, const char *s, size_t n) {
    cr_puts(b, "\"");
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char) s[i];
        char e[8];
        if (c == '"' || c == '\\') { e[0] = '\\'; e[1] = (char) c; cr_put(b, e, 2); }
        else if (c < 0x20) { snprintf(e, sizeof e, "\\u%04x", c); cr_puts(b, e); }
        else cr_put(b, (const char *) &c, 1);
    }
    cr_puts(b, "\"");
}
static void cr_wInt(cr_buf *b, int x) { char s[32]; snprintf(s, sizeof s, "%d", x); cr_puts(b, s); }
static void cr_wLong(cr_buf *b, long long x) { char s[32]; snprintf(s, sizeof s, "%lld", x); cr_puts(b, s); }
static void cr_wDouble(cr_buf *b, double x) {
    if (isnan(x) || isinf(x)) { cr_puts(b, "null"); return; }
    char s[64]; snprintf(s, sizeof s, "%.17g", x); cr_puts(b, s);
}
static void cr_wBool(cr_buf *b, bool x) { cr_puts(b, x ? "true" : "false"); }
static void cr_wChar(cr_buf *b, char x) { cr_wStrN(b, &x, 1); }
static void cr_wStr(cr_buf *b, const char *s) { if (!s) cr_puts(b, "null"); else cr_wStrN(b, s, strlen(s)); }
static void cr_wList(cr_buf *b, struct ListNode *h) {
    cr_puts(b, "[");
    long count = 0;
    for (struct ListNode *p = h; p; p = p->next) {
        if (count) cr_puts(b, ",");
        cr_wInt(b, p->val);
        if (++count > 1000000) break;
    }
    cr_puts(b, "]");
}
static void cr_wTree(cr_buf *b, struct TreeNode *root) {
    size_t cap = 1024, qn = 0, last = 0;
    struct TreeNode **q = malloc(sizeof(struct TreeNode *) * cap);
    q[qn++] = root;
    cr_buf items = {0};
    for (size_t k = 0; k < qn && k < 4000000; k++) {
        if (qn + 2 > cap) { cap *= 2; q = realloc(q, sizeof(struct TreeNode *) * cap); }
        if (k) cr_puts(&items, ",");
        if (!q[k]) cr_puts(&items, "null");
        else { cr_wInt(&items, q[k]->val); last = items.n; q[qn++] = q[k]->left; q[qn++] = q[k]->right; }
    }
    cr_puts(b, "[");
    if (root && items.p) cr_put(b, items.p, last);
    cr_puts(b, "]");
    free(q); free(items.p);
}
static void cr_out(int fd, const char *s, size_t n) {
    size_t off = 0;
    while (off < n) { ssize_t w = write(fd, s + off, n - off); if (w <= 0) return; off += (size_t) w; }
}
static double cr_now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
"#;

fn scalar(ty: &Type) -> &'static str {
    match ty {
        Type::Int => "int",
        Type::Long => "long long",
        Type::Double => "double",
        Type::Bool => "bool",
        Type::Char => "char",
        Type::String => "char*",
        Type::List => "struct ListNode*",
        Type::Tree => "struct TreeNode*",
        Type::Void => "void",
        Type::Array(_) => "void*",
    }
}

fn c_type(ty: &Type) -> String {
    match ty {
        Type::Array(inner) => format!("{}*", c_type(inner)),
        other => scalar(other).to_string(),
    }
}

fn params(call: &Call) -> Vec<String> {
    let mut out = Vec::new();
    for p in &call.sig.params {
        out.push(format!("{} {}", c_type(&p.ty), p.name));
        match p.ty.depth() {
            1 => out.push(format!("int {}Size", p.name)),
            2 => {
                out.push(format!("int {}Size", p.name));
                out.push(format!("int* {}ColSize", p.name));
            }
            _ => {}
        }
    }
    match call.sig.returns.depth() {
        1 => out.push("int* returnSize".into()),
        2 => {
            out.push("int* returnSize".into());
            out.push("int** returnColumnSizes".into());
        }
        _ => {}
    }
    out
}

/// Writes the value `expr` (with sizes `size` and `cols` for arrays) into buffer `b`.
fn write(ty: &Type, expr: &str, size: &str, cols: &str) -> String {
    match ty {
        Type::Array(inner) if matches!(**inner, Type::Array(_)) => {
            let row = write(inner, &format!("{expr}[k1]"), &format!("{cols}[k1]"), "");
            format!(
                "if (!{expr} && {size} > 0) cr_puts(&b, \"null\"); else {{ cr_puts(&b, \"[\"); for (int k1 = 0; k1 < {size}; k1++) {{ if (k1) cr_puts(&b, \",\"); {row} }} cr_puts(&b, \"]\"); }}"
            )
        }
        Type::Array(inner) => format!(
            "if (!{expr} && {size} > 0) cr_puts(&b, \"null\"); else {{ cr_puts(&b, \"[\"); for (int k2 = 0; k2 < {size}; k2++) {{ if (k2) cr_puts(&b, \",\"); cr_w{}(&b, {expr}[k2]); }} cr_puts(&b, \"]\"); }}",
            inner.key()
        ),
        other => format!("cr_w{}(&b, {expr});", other.key()),
    }
}

fn read(ty: &Type, name: &str) -> String {
    match ty {
        Type::Array(inner) if matches!(**inner, Type::Array(_)) => {
            let element = inner.base();
            format!(
                "int {name}Size = cr_rInt(); {t}** {name} = malloc(sizeof({t}*) * ({name}Size + 1)); int* {name}ColSize = malloc(sizeof(int) * ({name}Size + 1));\n        \
                 for (int k1 = 0; k1 < {name}Size; k1++) {{ {name}ColSize[k1] = cr_rInt(); {name}[k1] = malloc(sizeof({t}) * ({name}ColSize[k1] + 1)); for (int k2 = 0; k2 < {name}ColSize[k1]; k2++) {name}[k1][k2] = cr_r{key}(); }}\n",
                t = scalar(element),
                key = element.key()
            )
        }
        Type::Array(inner) => format!(
            "int {name}Size = cr_rInt(); {t}* {name} = malloc(sizeof({t}) * ({name}Size + 1)); for (int k1 = 0; k1 < {name}Size; k1++) {name}[k1] = cr_r{key}();\n",
            t = scalar(inner),
            key = inner.key()
        ),
        other => format!("{} {name} = cr_r{}();\n", scalar(other), other.key()),
    }
}

pub fn program(call: &Call, code: &str) -> Vec<(String, String)> {
    let mut reads = String::new();
    let mut args = Vec::new();
    for argument in call.arguments() {
        let name = argument.name;
        reads.push_str(&format!("        {}", read(argument.ty, &name)));
        args.push(name.clone());
        match argument.ty.depth() {
            1 => args.push(format!("{name}Size")),
            2 => {
                args.push(format!("{name}Size"));
                args.push(format!("{name}ColSize"));
            }
            _ => {}
        }
    }
    match call.sig.returns.depth() {
        1 => args.push("&rSize".into()),
        2 => {
            args.push("&rSize".into());
            args.push("&rCols".into());
        }
        _ => {}
    }
    let invoke = format!("{}({})", call.sig.name, args.join(", "));
    let (call_line, writer) = match (call.mutated, &call.sig.returns) {
        (Some(i), _) => (
            format!("{invoke};"),
            write(&call.sig.params[i].ty, &format!("a{i}"), &format!("a{i}Size"), &format!("a{i}ColSize")),
        ),
        (None, returns) => (format!("{} r = {invoke};", c_type(returns)), write(returns, "r", "rSize", "rCols")),
    };
    let main = format!(
        r#"
int main(void) {{
    size_t cap = 1 << 16; cr_D = malloc(cap); cr_N = 0;
    for (;;) {{ if (cr_N + 1 >= cap) {{ cap *= 2; cr_D = realloc(cr_D, cap); }} size_t got = fread(cr_D + cr_N, 1, cap - cr_N - 1, stdin); if (got == 0) break; cr_N += got; }}
    cr_D[cr_N] = 0;
    int real = {RESULTS_FD};
    int capfd = open(".capture", O_CREAT | O_RDWR | O_TRUNC | O_APPEND, 0600);
    dup2(capfd, 1); dup2(capfd, 2);
    char nonce[64]; snprintf(nonce, sizeof nonce, "%s", cr_tok());
    int count = cr_rInt();
    for (int i = 0; i < count; i++) {{
{reads}        int rSize = 0; int* rCols = NULL; (void) rSize; (void) rCols;
        fflush(stdout); if (ftruncate(capfd, 0) != 0) {{}}
        double t0 = cr_now();
        {call_line}
        double ms = cr_now() - t0;
        fflush(stdout); fflush(stderr);
        cr_buf b = {{0}};
        cr_puts(&b, nonce); cr_puts(&b, " {{\"i\":"); cr_wInt(&b, i);
        cr_puts(&b, ",\"s\":\"ok\",\"v\":");
        {writer}
        cr_puts(&b, ",\"ms\":"); cr_wDouble(&b, ms);
        char out[{CAPTURE_CAP}];
        ssize_t got = pread(capfd, out, sizeof out, 0);
        cr_puts(&b, ",\"o\":"); cr_wStrN(&b, out, got > 0 ? (size_t) got : 0);
        cr_puts(&b, "}}\n");
        cr_out(real, b.p, b.n);
        free(b.p);
    }}
    return 0;
}}
"#
    );
    let source = format!("{PRELUDE}#line 1 \"solution.c\"\n{code}\n#line 1 \"driver.c\"\n{RUNTIME}{main}");
    vec![("main.c".into(), source)]
}

const EMPTY: EmptyValues = EmptyValues { string: "calloc(1, 1)", ..EmptyValues::typed("NULL", "NULL") };

pub fn starter(call: &Call) -> String {
    let mut out = call.provided(
        "// Provided: struct ListNode { int val; struct ListNode *next; };\n",
        "// Provided: struct TreeNode { int val; struct TreeNode *left; struct TreeNode *right; };\n",
    );
    match call.sig.returns.depth() {
        1 => out.push_str("// Return a malloc'ed array and set *returnSize to its length.\n"),
        2 => out.push_str(
            "// Return a malloc'ed array of rows; set *returnSize to the number of rows and\n// *returnColumnSizes to a malloc'ed array of the rows' lengths.\n",
        ),
        _ => {}
    }
    let body = match (call.mutated, call.sig.returns.depth()) {
        (Some(i), _) => format!("    // Modify {} in place.\n", call.sig.params[i].name),
        (None, 0) => format!("    // Write your solution here.\n    return {};\n", EMPTY.of(&call.sig.returns)),
        (None, 1) => "    // Write your solution here.\n    *returnSize = 0;\n    return NULL;\n".into(),
        (None, _) => {
            "    // Write your solution here.\n    *returnSize = 0;\n    *returnColumnSizes = NULL;\n    return NULL;\n"
                .into()
        }
    };
    out.push_str(&format!(
        "{} {}({}) {{\n{body}}}\n",
        c_type(&call.sig.returns),
        call.sig.name,
        params(call).join(", ")
    ));
    out
}
