//! What the Java and C# drivers share: both call `new Solution().method(…)` from a static
//! driver class holding one reader and one writer overload per type, so the generated parts
//! differ only in spelling (`rInt`/`append`/`length` against `RInt`/`Append`/`Length`).

use std::collections::BTreeSet;

use super::Call;
use crate::problems::types::Type;

pub struct Dialect {
    pub type_name: fn(&Type) -> String,
    /// The method's name as the language spells it (C# capitalises it).
    pub method_name: fn(&str) -> String,
    /// Prefix of the reader functions (`rInt`, `RInt`) and name of the writer overloads.
    pub read: &'static str,
    pub write: &'static str,
    pub append: &'static str,
    pub length: &'static str,
    /// What a function with no answer reports: a typed null, so that overloads resolve.
    pub no_answer: &'static str,
}

impl Dialect {
    /// `new int[n][]` for an element type of `int[]`.
    pub fn new_array(&self, element: &Type, length: &str) -> String {
        format!("new {}[{length}]{}", (self.type_name)(element.base()), "[]".repeat(element.depth()))
    }

    /// A reader and a writer for every array type the signature uses, inner types first.
    pub fn array_helpers(&self, call: &Call) -> String {
        let mut seen = BTreeSet::new();
        let mut helpers = String::new();
        for ty in call.sig.params.iter().map(|p| &p.ty).chain([&call.sig.returns]) {
            self.collect_arrays(ty, &mut seen, &mut helpers);
        }
        helpers
    }

    fn collect_arrays(&self, ty: &Type, seen: &mut BTreeSet<String>, helpers: &mut String) {
        let Type::Array(inner) = ty else { return };
        self.collect_arrays(inner, seen, helpers);
        if seen.insert(ty.key()) {
            let Self { read: r, write: w, append, length, .. } = self;
            let t = (self.type_name)(ty);
            helpers.push_str(&format!(
                "    static {t} {r}{key}() {{ int n = {r}Int(); {t} a = {new}; for (int i = 0; i < n; i++) a[i] = {r}{inner_key}(); return a; }}\n\
                 \x20   static void {w}(StringBuilder b, {t} a) {{ if (a == null) {{ b.{append}(\"null\"); return; }} b.{append}('['); for (int i = 0; i < a.{length}; i++) {{ if (i > 0) b.{append}(','); {w}(b, a[i]); }} b.{append}(']'); }}\n",
                key = ty.key(),
                new = self.new_array(inner, "n"),
                inner_key = inner.key(),
            ));
        }
    }

    /// One declaration per argument, read from the input: `int[] a0 = rIntArr();`.
    pub fn reads(&self, call: &Call) -> String {
        call.arguments()
            .map(|a| format!("            {} {} = {}{}();\n", (self.type_name)(a.ty), a.name, self.read, a.ty.key()))
            .collect()
    }

    /// The statement calling the candidate's method, and the expression of the answer.
    pub fn invocation(&self, call: &Call) -> (String, String) {
        let args: Vec<String> = call.arguments().map(|a| a.name).collect();
        let invoke = format!("new Solution().{}({})", (self.method_name)(&call.sig.name), args.join(", "));
        match (call.mutated, &call.sig.returns) {
            (Some(i), _) => (format!("{invoke};"), format!("a{i}")),
            (None, Type::Void) => (format!("{invoke};"), self.no_answer.into()),
            (None, returns) => (format!("{} r = {invoke};", (self.type_name)(returns)), "r".into()),
        }
    }

    /// The method a starter declares, with a body returning a value that compiles.
    pub fn starter_method(&self, call: &Call, modifiers: &str) -> String {
        let params: Vec<String> =
            call.sig.params.iter().map(|p| format!("{} {}", (self.type_name)(&p.ty), p.name)).collect();
        let body = match call.mutated {
            Some(i) => format!("        // Modify {} in place.\n", call.sig.params[i].name),
            None => {
                format!("        // Write your solution here.\n        return {};\n", self.default(&call.sig.returns))
            }
        };
        format!(
            "{modifiers}class Solution {{\n    public {} {}({}) {{\n{body}    }}\n}}\n",
            (self.type_name)(&call.sig.returns),
            (self.method_name)(&call.sig.name),
            params.join(", ")
        )
    }

    fn default(&self, ty: &Type) -> String {
        match ty {
            Type::Int | Type::Long => "0".into(),
            Type::Double => "0.0".into(),
            Type::Bool => "false".into(),
            Type::Char => "' '".into(),
            Type::String => "\"\"".into(),
            Type::Array(inner) => self.new_array(inner, "0"),
            Type::List | Type::Tree => "null".into(),
            Type::Void => String::new(),
        }
    }
}
