//! Per-language drivers and starter code, generated from a problem's signature.
//!
//! Every driver follows the same protocol: read the nonce and the tests from stdin (see
//! `super::encode`), load the candidate's code, and for each test read the arguments, call
//! the function with stdout/stderr captured, and write one line
//! `<nonce> {"i":N,"s":"ok"|"error"|"memory","v":ANSWER,"o":PRINTED,"e":ERROR,"ms":TIME}` to
//! the result channel, file descriptor [`RESULTS_FD`], which the sandbox keeps apart from
//! stdout (see `judge::exec`). Candidate code keeps its own line numbers wherever the language
//! allows it (separate file, or placed first, or a `#line` directive).

mod c;
mod class_based;
mod cpp;
mod csharp;
mod go;
mod java;
mod javascript;
mod php;
mod python;
mod ruby;
mod rust;
mod swift;

use crate::language::Language;
use crate::problems::types::{Signature, Type};

/// Per-test cap on captured prints, in bytes (the rest is dropped, not an error).
pub const CAPTURE_CAP: usize = 4096;
/// Where drivers write their records (the sandbox's result channel).
pub const RESULTS_FD: i32 = 3;

/// One language's driver: the files that run a candidate's code against the tests, and the
/// starter code a problem offers when it has none of its own.
struct Driver {
    /// The files to run, the main file first.
    program: fn(&Call, &str) -> Vec<(String, String)>,
    /// The empty function, returning a default value so that it compiles.
    starter: fn(&Call) -> String,
}

/// The driver of each judged language.
fn driver(language: Language) -> Driver {
    match language {
        Language::Python => Driver { program: python::program, starter: python::starter },
        Language::JavaScript => Driver {
            program: |call, code| javascript::program(call, code, false),
            starter: |call| javascript::starter(call, false),
        },
        Language::TypeScript => Driver {
            program: |call, code| javascript::program(call, code, true),
            starter: |call| javascript::starter(call, true),
        },
        Language::Java => Driver { program: java::program, starter: java::starter },
        Language::C => Driver { program: c::program, starter: c::starter },
        Language::Cpp => Driver { program: cpp::program, starter: cpp::starter },
        Language::Go => Driver { program: go::program, starter: go::starter },
        Language::Rust => Driver { program: rust::program, starter: rust::starter },
        Language::Ruby => Driver { program: ruby::program, starter: ruby::starter },
        Language::Php => Driver { program: php::program, starter: php::starter },
        Language::CSharp => Driver { program: csharp::program, starter: csharp::starter },
        Language::Swift => Driver { program: swift::program, starter: swift::starter },
    }
}

/// The files to run: the main file first.
pub fn program(language: Language, signature: &Signature, mutates: Option<&str>, code: &str) -> Vec<(String, String)> {
    (driver(language).program)(&Call::new(signature, mutates), code)
}

/// Starter code: the empty function, returning a default value so that it compiles.
pub fn starter(language: Language, signature: &Signature, mutates: Option<&str>) -> String {
    (driver(language).starter)(&Call::new(signature, mutates))
}

/// The signature plus what the drivers derive from it.
pub struct Call<'a> {
    pub sig: &'a Signature,
    /// Index of the parameter whose final value is the answer (void functions).
    pub mutated: Option<usize>,
}

impl<'a> Call<'a> {
    fn new(sig: &'a Signature, mutates: Option<&str>) -> Self {
        let mutated = mutates.and_then(|name| sig.params.iter().position(|p| p.name == name));
        Self { sig, mutated }
    }

    /// The type of the answer the driver reports.
    fn answer_type(&self) -> &Type {
        match self.mutated {
            Some(index) => &self.sig.params[index].ty,
            None => &self.sig.returns,
        }
    }

    /// The driver's variables holding the arguments, one per parameter in order.
    fn arguments(&self) -> impl Iterator<Item = Argument<'_>> {
        self.sig.params.iter().enumerate().map(|(i, p)| Argument {
            name: format!("a{i}"),
            ty: &p.ty,
            mutated: self.mutated == Some(i),
        })
    }

    fn uses(&self, wanted: &Type) -> bool {
        self.sig.params.iter().any(|p| &p.ty == wanted) || &self.sig.returns == wanted
    }

    /// The starter's note on the node types the driver provides: `list` when the signature
    /// takes or returns a linked list, `tree` when a binary tree.
    fn provided(&self, list: &str, tree: &str) -> String {
        let mut note = String::new();
        if self.uses(&Type::List) {
            note.push_str(list);
        }
        if self.uses(&Type::Tree) {
            note.push_str(tree);
        }
        note
    }
}

/// A driver's variable holding one argument: `a0`, `a1`, … in parameter order.
struct Argument<'a> {
    name: String,
    ty: &'a Type,
    /// Whether the function changes it in place (its final value is the answer).
    mutated: bool,
}

/// What a starter's empty function returns, so that it compiles (in a dynamic language, so that
/// it answers something of the right shape): zero for the numbers, the language's own words for
/// the rest.
struct EmptyValues {
    double: &'static str,
    boolean: &'static str,
    character: &'static str,
    string: &'static str,
    array: &'static str,
    /// A linked list or a tree: the language's null.
    node: &'static str,
    /// What a function with no answer ends with: nothing, in a typed language.
    void: &'static str,
}

impl EmptyValues {
    /// A typed language's: `0.0`, `false`, a space, `""`, and nothing for no answer; the empty
    /// array and the null are the language's own.
    const fn typed(array: &'static str, node: &'static str) -> Self {
        Self { double: "0.0", boolean: "false", character: "' '", string: "\"\"", array, node, void: "" }
    }

    /// Python's, Ruby's and PHP's: `""` for text, `[]` for arrays, and the language's own words
    /// for false and for no value.
    const fn dynamic(boolean: &'static str, none: &'static str) -> Self {
        Self { double: "0.0", boolean, character: "\"\"", string: "\"\"", array: "[]", node: none, void: none }
    }

    fn of(&self, ty: &Type) -> &'static str {
        match ty {
            Type::Int | Type::Long => "0",
            Type::Double => self.double,
            Type::Bool => self.boolean,
            Type::Char => self.character,
            Type::String => self.string,
            Type::Array(_) => self.array,
            Type::List | Type::Tree => self.node,
            Type::Void => self.void,
        }
    }
}

/// A string literal safe in every C-like language, in Python, Ruby and PHP (the drivers only
/// quote identifiers and type names, never `$` or `#{`).
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => out.push_str(&format!("\\u{:04x}", c as u32)),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
pub(crate) mod tests;
