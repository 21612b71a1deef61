//! The languages candidates write in: their names, file extensions and runtime allowances.
//! Problem definitions name them (starter code, solutions) and the judge runs them; neither
//! depends on the other for it.

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Python,
    JavaScript,
    TypeScript,
    Java,
    C,
    Cpp,
    Go,
    Rust,
    Ruby,
    Php,
    CSharp,
    Swift,
}

impl Language {
    pub const ALL: [Language; 12] = [
        Language::Python,
        Language::JavaScript,
        Language::TypeScript,
        Language::Java,
        Language::C,
        Language::Cpp,
        Language::Go,
        Language::Rust,
        Language::Ruby,
        Language::Php,
        Language::CSharp,
        Language::Swift,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Self::Python => "python",
            Self::JavaScript => "javascript",
            Self::TypeScript => "typescript",
            Self::Java => "java",
            Self::C => "c",
            Self::Cpp => "cpp",
            Self::Go => "go",
            Self::Rust => "rust",
            Self::Ruby => "ruby",
            Self::Php => "php",
            Self::CSharp => "csharp",
            Self::Swift => "swift",
        }
    }

    /// The language's name in the sandbox's runtime registry.
    pub fn sandbox_name(self) -> &'static str {
        match self {
            Self::Cpp => "c++",
            other => other.id(),
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Self::Python => "py",
            Self::JavaScript => "js",
            Self::TypeScript => "ts",
            Self::Java => "java",
            Self::C => "c",
            Self::Cpp => "cpp",
            Self::Go => "go",
            Self::Rust => "rs",
            Self::Ruby => "rb",
            Self::Php => "php",
            Self::CSharp => "cs",
            Self::Swift => "swift",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Some(match name.trim().to_ascii_lowercase().as_str() {
            "python" | "py" | "python3" => Self::Python,
            "javascript" | "js" | "node" => Self::JavaScript,
            "typescript" | "ts" => Self::TypeScript,
            "java" => Self::Java,
            "c" => Self::C,
            "cpp" | "c++" | "cxx" => Self::Cpp,
            "go" | "golang" => Self::Go,
            "rust" | "rs" => Self::Rust,
            "ruby" | "rb" => Self::Ruby,
            "php" | "php8" => Self::Php,
            "csharp" | "c#" | "cs" => Self::CSharp,
            "swift" => Self::Swift,
            _ => return None,
        })
    }

    /// CPU time a run gets on top of the problem's time limit: starting the runtime and
    /// reading the tests (a JVM with its JIT and GC threads costs the most). Measured in the
    /// sandbox: Ruby starts in 110-150 ms (RubyGems, then a restart with larger stacks) and
    /// reads two-sum's largest hidden input in about 200 ms more; PHP starts in 20-30 ms.
    pub fn startup_allowance_ms(self) -> u64 {
        match self {
            Self::Python => 200,
            Self::JavaScript | Self::TypeScript => 300,
            Self::Java => 500,
            Self::Ruby => 350,
            Self::Php => 150,
            Self::CSharp => 300,
            Self::C | Self::Cpp | Self::Go | Self::Rust | Self::Swift => 100,
        }
    }

    pub fn from_file_name(name: &str) -> Option<Self> {
        let extension = name.rsplit_once('.')?.1;
        Self::ALL.into_iter().find(|l| l.extension() == extension)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruby_php_csharp_and_swift_names() {
        assert_eq!(Language::parse("rb"), Some(Language::Ruby));
        assert_eq!(Language::parse(" Ruby "), Some(Language::Ruby));
        assert_eq!(Language::parse("php"), Some(Language::Php));
        assert_eq!(Language::parse("C#"), Some(Language::CSharp));
        assert_eq!(Language::parse("cs"), Some(Language::CSharp));
        assert_eq!(Language::parse("swift"), Some(Language::Swift));
        assert_eq!(Language::from_file_name("solution.rb"), Some(Language::Ruby));
        assert_eq!(Language::from_file_name("solution.php"), Some(Language::Php));
        assert_eq!(Language::from_file_name("solution.cs"), Some(Language::CSharp));
        assert_eq!(Language::from_file_name("solution.swift"), Some(Language::Swift));
        assert_eq!((Language::Ruby.sandbox_name(), Language::Php.sandbox_name()), ("ruby", "php"));
        assert_eq!((Language::CSharp.sandbox_name(), Language::Swift.sandbox_name()), ("csharp", "swift"));
        let ids: Vec<&str> = Language::ALL.iter().map(|l| l.id()).collect();
        assert!(ids.ends_with(&["rust", "ruby", "php", "csharp", "swift"]), "{ids:?}");
    }
}
