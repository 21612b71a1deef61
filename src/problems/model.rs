//! A problem's definition and its on-disk form: one folder per problem,
//!
//! ```text
//! problems/<slug>/problem.toml      metadata, kind, signature, comparison rule, constraints
//! problems/<slug>/description.md    the statement (Markdown)
//! problems/<slug>/guidance.md       notes for interviewers (optional; never shown to candidates)
//! problems/<slug>/tests.json        {"visible": [...], "hidden": [...]} (coding problems)
//! problems/<slug>/solutions/*.EXT   reference solutions, language from the extension
//! problems/<slug>/rejected/VERDICT-LABEL.EXT
//!                                   deliberately wrong solutions and the verdict each must get
//! ```
//!
//! A design problem (`kind = "design"`, a system-design prompt drawn on the whiteboard) has
//! only the statement and the guidance: no signature, tests or solutions, and nothing to judge.
//!
//! Every error names the file and the field, so that `coderoom problems validate` can point
//! an author at the exact spot.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Difficulty;
use super::types::{Signature, Type};
use crate::language::Language;
use crate::verdict::Verdict;

/// Default wall-clock budget for running all of a problem's tests in one go.
pub const DEFAULT_TIME_LIMIT_MS: u64 = 3000;

/// What an interview on a problem is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProblemKind {
    /// Code judged against tests.
    #[default]
    Coding,
    /// A design prompt, discussed and drawn: nothing is run or judged.
    Design,
}

/// The whole definition, as stored in the database (hidden tests and solutions included;
/// the public view is built from it field by field in `super::routes`).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct Problem {
    pub slug: String,
    pub title: String,
    #[serde(default)]
    pub kind: ProblemKind,
    pub difficulty: Difficulty,
    pub category: String,
    #[serde(default)]
    pub tags: Vec<String>,
    pub summary: String,
    /// The statement (Markdown).
    pub description: String,
    /// What the interviewers are told (what to look for, follow-up questions); never shown to
    /// candidates.
    #[serde(default)]
    pub guidance: String,
    /// Empty for a design problem.
    #[serde(default)]
    pub signature: String,
    /// How answers are compared: `exact`, `unordered`, `unordered-nested`, `float` or
    /// `float:TOLERANCE`.
    pub compare: String,
    #[serde(default)]
    pub constraints: Vec<String>,
    #[serde(default)]
    pub hints: Vec<String>,
    pub time_limit_ms: u64,
    /// For `-> void` signatures: the parameter whose final value is the answer.
    #[serde(default)]
    pub mutates: Option<String>,
    /// Starter code given explicitly (language id → code); others are generated.
    #[serde(default)]
    pub starter: BTreeMap<String, String>,
    #[serde(default)]
    pub tests: Tests,
    /// Reference solutions: file name (e.g. `solution.py`) → code.
    #[serde(default)]
    pub solutions: BTreeMap<String, String>,
    /// Deliberately wrong solutions: file name (`<verdict>-<label>.<ext>`) → code. They keep
    /// the hidden tests honest: validation fails unless each gets exactly its verdict.
    #[serde(default)]
    pub rejected: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default, utoipa::ToSchema)]
pub struct Tests {
    pub visible: Vec<TestCase>,
    pub hidden: Vec<TestCase>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, utoipa::ToSchema)]
pub struct TestCase {
    /// Parameter name → value.
    #[schema(value_type = Object)]
    pub input: serde_json::Map<String, Value>,
    /// The expected answer: any JSON value of the signature's return type.
    pub expected: Value,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub explanation: Option<String>,
}

/// How an answer is compared with the expected value.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Compare {
    Exact,
    /// The order of the top-level array does not matter.
    Unordered,
    /// Neither the order of the outer array nor of each inner array matters.
    UnorderedNested,
    /// Numbers may differ by this absolute or relative tolerance.
    Float(f64),
}

impl Compare {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "exact" => Ok(Self::Exact),
            "unordered" => Ok(Self::Unordered),
            "unordered-nested" => Ok(Self::UnorderedNested),
            "float" => Ok(Self::Float(1e-6)),
            other => match other.strip_prefix("float:").map(str::parse::<f64>) {
                Some(Ok(tolerance)) if tolerance > 0.0 && tolerance < 1.0 => Ok(Self::Float(tolerance)),
                _ => Err(format!(
                    "unknown comparison `{other}` (use exact, unordered, unordered-nested, float or float:TOLERANCE)"
                )),
            },
        }
    }
}

/// One problem in a definition, located by file and field.
#[derive(Debug, Clone, PartialEq)]
pub struct DefinitionError {
    pub file: String,
    pub field: String,
    pub message: String,
}

impl fmt::Display for DefinitionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.file, self.message)
        } else {
            write!(f, "{}: {}: {}", self.file, self.field, self.message)
        }
    }
}

/// A definition's errors, one per line.
pub fn join_errors(errors: &[DefinitionError]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

fn error(file: &str, field: impl Into<String>, message: impl Into<String>) -> DefinitionError {
    DefinitionError { file: file.into(), field: field.into(), message: message.into() }
}

/// `problem.toml` as authors write it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProblemToml {
    slug: String,
    title: String,
    #[serde(default, skip_serializing_if = "is_coding")]
    kind: ProblemKind,
    difficulty: Difficulty,
    category: String,
    #[serde(default)]
    tags: Vec<String>,
    summary: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    signature: String,
    #[serde(default = "default_compare")]
    compare: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    mutates: Option<String>,
    #[serde(default = "default_time_limit")]
    time_limit_ms: u64,
    #[serde(default)]
    constraints: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    hints: Vec<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    starter: BTreeMap<String, String>,
}

fn is_coding(kind: &ProblemKind) -> bool {
    *kind == ProblemKind::Coding
}

fn default_compare() -> String {
    "exact".into()
}

fn default_time_limit() -> u64 {
    DEFAULT_TIME_LIMIT_MS
}

pub const PROBLEM_FILE: &str = "problem.toml";
pub const DESCRIPTION_FILE: &str = "description.md";
pub const GUIDANCE_FILE: &str = "guidance.md";
pub const TESTS_FILE: &str = "tests.json";
pub const SOLUTIONS_DIR: &str = "solutions";
pub const REJECTED_DIR: &str = "rejected";

/// The verdict a deliberately wrong solution must get, read from its file name
/// (`time_limit-quadratic.py` → time limit). Accepted is never a valid expectation.
pub fn expected_verdict(file_name: &str) -> Option<Verdict> {
    let stem = file_name.rsplit_once('.').map_or(file_name, |(stem, _)| stem);
    let prefix = stem.split_once('-').map_or(stem, |(prefix, _)| prefix);
    serde_json::from_value::<Verdict>(Value::String(prefix.to_string()))
        .ok()
        .filter(|verdict| *verdict != Verdict::Accepted)
}

/// What a problem list shows: the same fields everywhere a problem is summarised.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProblemSummary {
    pub slug: String,
    pub title: String,
    pub kind: ProblemKind,
    pub difficulty: Difficulty,
    pub category: String,
    pub tags: Vec<String>,
    /// One line about the problem.
    pub summary: String,
}

impl Problem {
    pub fn summary(&self) -> ProblemSummary {
        ProblemSummary {
            slug: self.slug.clone(),
            title: self.title.clone(),
            kind: self.kind,
            difficulty: self.difficulty,
            category: self.category.clone(),
            tags: self.tags.clone(),
            summary: self.summary.clone(),
        }
    }

    pub fn parsed_signature(&self) -> Result<Signature, String> {
        Signature::parse(&self.signature)
    }

    pub fn comparison(&self) -> Compare {
        Compare::parse(&self.compare).unwrap_or(Compare::Exact)
    }

    /// Reads a problem from its files (paths relative to the problem's folder).
    pub fn from_files(files: &BTreeMap<String, Vec<u8>>) -> Result<Self, Vec<DefinitionError>> {
        let text = |name: &str| -> Result<String, DefinitionError> {
            let bytes = files.get(name).ok_or_else(|| error(name, "", "file is missing"))?;
            String::from_utf8(bytes.clone()).map_err(|_| error(name, "", "file is not UTF-8"))
        };
        let mut errors = Vec::new();
        let meta = text(PROBLEM_FILE).and_then(|raw| {
            toml::from_str::<ProblemToml>(&raw).map_err(|err| {
                let line = err.span().map(|span| raw[..span.start].lines().count().max(1));
                let field = line.map(|l| format!("line {l}")).unwrap_or_default();
                error(PROBLEM_FILE, field, err.message().to_string())
            })
        });
        let description = text(DESCRIPTION_FILE);
        let design = meta.as_ref().is_ok_and(|meta| meta.kind == ProblemKind::Design);
        // A design problem has no tests: the file is read only when it is there.
        let tests = if design && !files.contains_key(TESTS_FILE) {
            Ok(Tests::default())
        } else {
            text(TESTS_FILE).and_then(|raw| {
                serde_json::from_str::<Tests>(&raw)
                    .map_err(|err| error(TESTS_FILE, format!("line {}", err.line()), err.to_string()))
            })
        };
        let guidance = if files.contains_key(GUIDANCE_FILE) { text(GUIDANCE_FILE) } else { Ok(String::new()) };
        let guidance = match guidance {
            Ok(guidance) => guidance,
            Err(err) => {
                errors.push(err);
                String::new()
            }
        };
        let (meta, description, tests) = match (meta, description, tests) {
            (Ok(m), Ok(d), Ok(t)) => (m, d, t),
            (m, d, t) => {
                errors.extend([m.err(), d.err(), t.err()].into_iter().flatten());
                return Err(errors);
            }
        };
        let mut solutions = BTreeMap::new();
        let mut rejected = BTreeMap::new();
        for (path, bytes) in files {
            let (collection, name) = match path.split_once('/') {
                Some((SOLUTIONS_DIR, name)) => (&mut solutions, name),
                Some((REJECTED_DIR, name)) => (&mut rejected, name),
                _ => continue,
            };
            match String::from_utf8(bytes.clone()) {
                Ok(code) => {
                    collection.insert(name.to_string(), code);
                }
                Err(_) => errors.push(error(path, "", "file is not UTF-8")),
            }
        }
        let problem = Problem {
            slug: meta.slug,
            title: meta.title,
            kind: meta.kind,
            difficulty: meta.difficulty,
            category: meta.category,
            tags: meta.tags,
            summary: meta.summary,
            description,
            guidance,
            signature: meta.signature,
            compare: meta.compare,
            constraints: meta.constraints,
            hints: meta.hints,
            time_limit_ms: meta.time_limit_ms,
            mutates: meta.mutates,
            starter: meta.starter,
            tests,
            solutions,
            rejected,
        };
        errors.extend(problem.check());
        if errors.is_empty() { Ok(problem) } else { Err(errors) }
    }

    /// The files of this problem's folder, the inverse of [`Problem::from_files`].
    pub fn to_files(&self) -> anyhow::Result<BTreeMap<String, Vec<u8>>> {
        let meta = ProblemToml {
            slug: self.slug.clone(),
            title: self.title.clone(),
            kind: self.kind,
            difficulty: self.difficulty,
            category: self.category.clone(),
            tags: self.tags.clone(),
            summary: self.summary.clone(),
            signature: self.signature.clone(),
            compare: self.compare.clone(),
            mutates: self.mutates.clone(),
            time_limit_ms: self.time_limit_ms,
            constraints: self.constraints.clone(),
            hints: self.hints.clone(),
            starter: self.starter.clone(),
        };
        let mut files = BTreeMap::new();
        files.insert(PROBLEM_FILE.to_string(), toml::to_string_pretty(&meta)?.into_bytes());
        files.insert(DESCRIPTION_FILE.to_string(), self.description.clone().into_bytes());
        if self.kind == ProblemKind::Coding {
            files.insert(TESTS_FILE.to_string(), tests_json(&self.tests).into_bytes());
        }
        if !self.guidance.trim().is_empty() {
            files.insert(GUIDANCE_FILE.to_string(), self.guidance.clone().into_bytes());
        }
        for (dir, collection) in [(SOLUTIONS_DIR, &self.solutions), (REJECTED_DIR, &self.rejected)] {
            for (name, code) in collection {
                files.insert(format!("{dir}/{name}"), code.clone().into_bytes());
            }
        }
        Ok(files)
    }

    /// Semantic checks beyond parsing: every error names its file and field.
    pub fn check(&self) -> Vec<DefinitionError> {
        let mut errors = Vec::new();
        let meta = |field: &str, message: String| error(PROBLEM_FILE, field, message);
        if !is_slug(&self.slug) {
            errors.push(meta("slug", format!("`{}` must be lowercase letters, digits and dashes", self.slug)));
        }
        for (field, value) in [("title", &self.title), ("category", &self.category), ("summary", &self.summary)] {
            if value.trim().is_empty() {
                errors.push(meta(field, "must not be empty".into()));
            }
        }
        if self.description.trim().is_empty() {
            errors.push(error(DESCRIPTION_FILE, "", "the statement is empty"));
        }
        if let Err(message) = Compare::parse(&self.compare) {
            errors.push(meta("compare", message));
        }
        if !(100..=60_000).contains(&self.time_limit_ms) {
            errors.push(meta("time_limit_ms", "must be between 100 and 60000".into()));
        }
        for language in self.starter.keys() {
            if Language::parse(language).is_none() {
                errors.push(meta(&format!("starter.{language}"), "unknown language".into()));
            }
        }
        for (dir, collection) in [(SOLUTIONS_DIR, &self.solutions), (REJECTED_DIR, &self.rejected)] {
            for name in collection.keys().filter(|name| !is_plain_file_name(name)) {
                errors.push(error(&format!("{dir}/{name}"), "", PLAIN_FILE_NAME_RULE));
            }
        }
        for name in self.solutions.keys() {
            if Language::from_file_name(name).is_none() {
                errors.push(error(&format!("{SOLUTIONS_DIR}/{name}"), "", "unknown language (file extension)"));
            }
        }
        for name in self.rejected.keys() {
            let file = format!("{REJECTED_DIR}/{name}");
            if Language::from_file_name(name).is_none() {
                errors.push(error(&file, "", "unknown language (file extension)"));
            }
            if expected_verdict(name).is_none() {
                errors.push(error(
                    &file,
                    "",
                    "the name must start with the verdict it gets: wrong_answer, runtime_error, time_limit, \
                     memory_limit or compile_error, then `-label`",
                ));
            }
        }
        if self.kind == ProblemKind::Design {
            errors.extend(self.check_design());
            return errors;
        }
        let signature = match Signature::parse(&self.signature) {
            Ok(signature) => signature,
            Err(message) => {
                errors.push(meta("signature", message));
                return errors;
            }
        };
        let answer_type = match (&signature.returns, &self.mutates) {
            (Type::Void, None) => {
                errors.push(meta("mutates", "a void function must name the parameter it changes".into()));
                return errors;
            }
            (Type::Void, Some(name)) => match signature.params.iter().find(|p| &p.name == name) {
                Some(param) if matches!(param.ty, Type::Array(_)) => param.ty.clone(),
                Some(_) => {
                    errors.push(meta("mutates", format!("`{name}` must be an array to be changed in place")));
                    return errors;
                }
                None => {
                    errors.push(meta("mutates", format!("`{name}` is not a parameter")));
                    return errors;
                }
            },
            (_, Some(_)) => {
                errors.push(meta("mutates", "only a void function changes a parameter".into()));
                return errors;
            }
            (returns, None) => returns.clone(),
        };
        if self.tests.visible.is_empty() {
            errors.push(error(TESTS_FILE, "visible", "at least one visible test is needed"));
        }
        if self.tests.hidden.is_empty() {
            errors.push(error(TESTS_FILE, "hidden", "at least one hidden test is needed"));
        }
        let groups = [("visible", &self.tests.visible), ("hidden", &self.tests.hidden)];
        for (group, tests) in groups {
            for (i, test) in tests.iter().enumerate() {
                let at = format!("{group}[{i}]");
                for param in &signature.params {
                    match test.input.get(&param.name) {
                        Some(value) => {
                            if let Err(message) = param.ty.check(value, &format!("{at}.input.{}", param.name)) {
                                errors.push(error(TESTS_FILE, "", message));
                            }
                        }
                        None => errors.push(error(
                            TESTS_FILE,
                            format!("{at}.input"),
                            format!("`{}` is missing", param.name),
                        )),
                    }
                }
                for key in test.input.keys() {
                    if !signature.params.iter().any(|p| &p.name == key) {
                        errors.push(error(
                            TESTS_FILE,
                            format!("{at}.input.{key}"),
                            "is not a parameter of the signature",
                        ));
                    }
                }
                if let Err(message) = answer_type.check(&test.expected, &format!("{at}.expected")) {
                    errors.push(error(TESTS_FILE, "", message));
                }
            }
        }
        errors
    }
}

impl Problem {
    /// What a design problem must and must not have: nothing that belongs to judging.
    fn check_design(&self) -> Vec<DefinitionError> {
        let mut errors = Vec::new();
        let meta = |field: &str, message: &str| error(PROBLEM_FILE, field, message);
        if !self.signature.trim().is_empty() {
            errors.push(meta("signature", "a design problem has no signature"));
        }
        if self.mutates.is_some() {
            errors.push(meta("mutates", "a design problem has no signature"));
        }
        if !self.starter.is_empty() {
            errors.push(meta("starter", "a design problem has no starter code"));
        }
        if !self.tests.visible.is_empty() || !self.tests.hidden.is_empty() {
            errors.push(error(TESTS_FILE, "", "a design problem has no tests"));
        }
        for (dir, collection) in [(SOLUTIONS_DIR, &self.solutions), (REJECTED_DIR, &self.rejected)] {
            if let Some(name) = collection.keys().next() {
                errors.push(error(&format!("{dir}/{name}"), "", "a design problem has no solutions to run"));
            }
        }
        if self.guidance.trim().is_empty() {
            errors.push(error(GUIDANCE_FILE, "", "a design problem needs interviewer guidance"));
        }
        errors
    }
}

/// One test per line: readable in a diff even with large inputs.
pub fn tests_json(tests: &Tests) -> String {
    let group = |tests: &[TestCase]| -> String {
        let lines: Vec<String> =
            tests.iter().map(|t| format!("    {}", serde_json::to_string(t).unwrap_or_default())).collect();
        if lines.is_empty() { "[]".into() } else { format!("[\n{}\n  ]", lines.join(",\n")) }
    };
    format!("{{\n  \"visible\": {},\n  \"hidden\": {}\n}}\n", group(&tests.visible), group(&tests.hidden))
}

const PLAIN_FILE_NAME_RULE: &str = "must be a plain file name: letters, digits, `-`, `_` and `.`, at most 100 characters, not a path \
     (no `/`, `\\` or `..`)";

/// A solution's file name is joined to the export folder: only a name that cannot leave it
/// (no separators, no `..`, nothing absolute, no hidden files) is accepted.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && !name.contains("..")
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

pub fn is_slug(slug: &str) -> bool {
    !slug.is_empty()
        && slug.len() <= 80
        && slug.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
}

impl fmt::Display for Difficulty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Difficulty::Easy => "easy",
            Difficulty::Medium => "medium",
            Difficulty::Hard => "hard",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn design_files() -> BTreeMap<String, Vec<u8>> {
        let toml = "slug = \"design-x\"\ntitle = \"Design X\"\nkind = \"design\"\ndifficulty = \"medium\"\n\
                    category = \"System Design\"\nsummary = \"Draw X.\"\n";
        BTreeMap::from([
            (PROBLEM_FILE.to_string(), toml.as_bytes().to_vec()),
            (DESCRIPTION_FILE.to_string(), b"Design X.".to_vec()),
            (GUIDANCE_FILE.to_string(), b"Look for Y.".to_vec()),
        ])
    }

    #[test]
    fn a_design_problem_needs_guidance_and_nothing_to_judge() {
        let problem = Problem::from_files(&design_files()).expect("a valid design problem");
        assert_eq!(problem.kind, ProblemKind::Design);
        assert_eq!(Problem::from_files(&problem.to_files().expect("files")).expect("reads back"), problem);

        let mut files = design_files();
        files.remove(GUIDANCE_FILE);
        files.insert(SOLUTIONS_DIR.to_string() + "/solution.py", b"print(1)".to_vec());
        let toml =
            String::from_utf8(files[PROBLEM_FILE].clone()).expect("utf-8") + "signature = \"f(a: int) -> int\"\n";
        files.insert(PROBLEM_FILE.to_string(), toml.into_bytes());
        let errors: Vec<String> =
            Problem::from_files(&files).expect_err("invalid").iter().map(ToString::to_string).collect();
        for expected in ["signature: a design problem has no signature", "solutions/solution.py", "guidance.md"] {
            assert!(errors.iter().any(|e| e.contains(expected)), "{expected} in {errors:?}");
        }
    }

    #[test]
    fn solution_names_are_plain_file_names() {
        for good in ["solution.py", "wrong_answer-off-by-one.cpp", "Main.java", "time_limit-quadratic.py"] {
            assert!(is_plain_file_name(good), "{good}");
        }
        for bad in [
            "../../x.py",
            "..",
            "/etc/x.py",
            "sub/x.py",
            "sub\\x.py",
            "C:x.py",
            ".hidden.py",
            "a..py",
            "",
            "x y.py",
            "x\0.py",
            &"a".repeat(101),
        ] {
            assert!(!is_plain_file_name(bad), "{bad:?}");
        }
    }
}
