//! The typed function signature of a problem, e.g.
//! `twoSum(nums: int[], target: int) -> int[]`, over a small type vocabulary that every
//! judged language can express: int, long, double, bool, char, string, arrays and 2-D arrays
//! of those, a singly linked list of ints and a binary tree of ints.

use std::fmt;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Type {
    Int,
    Long,
    Double,
    Bool,
    Char,
    String,
    /// An array of a scalar, or of an array of a scalar (2-D); deeper nesting is refused.
    Array(Box<Type>),
    /// Singly linked list of ints, written as a JSON array of its values.
    List,
    /// Binary tree of ints, written level by level with `null` for missing children.
    Tree,
    /// Only as a return type: the function mutates an argument instead.
    Void,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: String,
    pub ty: Type,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Signature {
    /// The function's name in camelCase; languages with other conventions convert it.
    pub name: String,
    pub params: Vec<Param>,
    pub returns: Type,
}

impl Type {
    fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Some(inner) = text.strip_suffix("[]") {
            let element = Self::parse(inner)?;
            return match &element {
                Type::Void => Err("void cannot be an array element".into()),
                Type::List | Type::Tree => Err(format!("arrays of {element} are not supported")),
                Type::Array(inner) if matches!(**inner, Type::Array(_)) => {
                    Err("arrays of more than two dimensions are not supported".into())
                }
                _ => Ok(Type::Array(Box::new(element))),
            };
        }
        Ok(match text {
            "int" => Type::Int,
            "long" => Type::Long,
            "double" => Type::Double,
            "bool" => Type::Bool,
            "char" => Type::Char,
            "string" => Type::String,
            "list" => Type::List,
            "tree" => Type::Tree,
            "void" => Type::Void,
            other => {
                return Err(format!(
                    "unknown type `{other}` (use int, long, double, bool, char, string, list, tree, void, or T[] / T[][])"
                ));
            }
        })
    }

    /// The scalar at the bottom of an array type.
    pub fn base(&self) -> &Type {
        match self {
            Type::Array(inner) => inner.base(),
            other => other,
        }
    }

    pub fn depth(&self) -> usize {
        match self {
            Type::Array(inner) => 1 + inner.depth(),
            _ => 0,
        }
    }

    /// A short name usable in generated identifiers: `IntArr`, `StrArrArr`, `Tree`.
    pub fn key(&self) -> String {
        match self {
            Type::Int => "Int".into(),
            Type::Long => "Long".into(),
            Type::Double => "Double".into(),
            Type::Bool => "Bool".into(),
            Type::Char => "Char".into(),
            Type::String => "Str".into(),
            Type::Array(inner) => format!("{}Arr", inner.key()),
            Type::List => "List".into(),
            Type::Tree => "Tree".into(),
            Type::Void => "Void".into(),
        }
    }

    /// Checks that a JSON test value has this type; the error names the offending path.
    pub fn check(&self, value: &Value, path: &str) -> Result<(), String> {
        let fail = |what: &str| Err(format!("{path}: expected {what}, found {}", short(value)));
        match self {
            Type::Int => match value.as_i64() {
                Some(n) if i32::try_from(n).is_ok() => Ok(()),
                _ => fail("a 32-bit integer"),
            },
            Type::Long => match value.as_i64() {
                Some(_) => Ok(()),
                None => fail("a 64-bit integer"),
            },
            Type::Double => match value {
                Value::Number(_) => Ok(()),
                _ => fail("a number"),
            },
            Type::Bool => match value {
                Value::Bool(_) => Ok(()),
                _ => fail("true or false"),
            },
            Type::Char => match value.as_str() {
                Some(s) if s.chars().count() == 1 && s.is_ascii() => Ok(()),
                _ => fail("a one-character ASCII string"),
            },
            Type::String => match value {
                Value::String(_) => Ok(()),
                _ => fail("a string"),
            },
            Type::Array(inner) => match value {
                Value::Array(items) => {
                    items.iter().enumerate().try_for_each(|(i, item)| inner.check(item, &format!("{path}[{i}]")))
                }
                _ => fail("an array"),
            },
            Type::List => match value {
                Value::Array(items) => {
                    items.iter().enumerate().try_for_each(|(i, item)| Type::Int.check(item, &format!("{path}[{i}]")))
                }
                _ => fail("an array of list values"),
            },
            Type::Tree => match value {
                Value::Array(items) => {
                    if items.first().is_some_and(Value::is_null) {
                        return Err(format!("{path}: a tree's root cannot be null (use [] for an empty tree)"));
                    }
                    items.iter().enumerate().try_for_each(|(i, item)| {
                        if item.is_null() { Ok(()) } else { Type::Int.check(item, &format!("{path}[{i}]")) }
                    })
                }
                _ => fail("a level-order array with nulls"),
            },
            Type::Void => match value {
                Value::Null => Ok(()),
                _ => fail("null"),
            },
        }
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 40 { format!("{}…", crate::text::prefix(&text, 40)) } else { text }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int => write!(f, "int"),
            Type::Long => write!(f, "long"),
            Type::Double => write!(f, "double"),
            Type::Bool => write!(f, "bool"),
            Type::Char => write!(f, "char"),
            Type::String => write!(f, "string"),
            Type::Array(inner) => write!(f, "{inner}[]"),
            Type::List => write!(f, "list"),
            Type::Tree => write!(f, "tree"),
            Type::Void => write!(f, "void"),
        }
    }
}

impl Signature {
    /// Parses `name(a: T, b: U) -> R`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (head, returns) = text.rsplit_once("->").ok_or("missing `-> ReturnType`")?;
        let returns = Type::parse(returns)?;
        let head = head.trim();
        let open = head.find('(').ok_or("missing `(`")?;
        let name = head[..open].trim();
        if !is_identifier(name) {
            return Err(format!("`{name}` is not a valid function name"));
        }
        let params_text = head[open + 1..].strip_suffix(')').ok_or("missing `)` before `->`")?;
        let mut params = Vec::new();
        for part in params_text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (param, ty) =
                part.split_once(':').ok_or_else(|| format!("parameter `{part}` needs a type: `name: type`"))?;
            let param = param.trim();
            if !is_identifier(param) {
                return Err(format!("`{param}` is not a valid parameter name"));
            }
            if params.iter().any(|p: &Param| p.name == param) {
                return Err(format!("parameter `{param}` appears twice"));
            }
            let ty = Type::parse(ty)?;
            if ty == Type::Void {
                return Err(format!("parameter `{param}` cannot be void"));
            }
            params.push(Param { name: param.to_string(), ty });
        }
        if params.is_empty() {
            return Err("the function needs at least one parameter".into());
        }
        Ok(Self { name: name.to_string(), params, returns })
    }

    /// The function name in snake_case (Python keeps camelCase, as LeetCode does; Rust wants this).
    pub fn snake_name(&self) -> String {
        snake_case(&self.name)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let params: Vec<String> = self.params.iter().map(|p| format!("{}: {}", p.name, p.ty)).collect();
        write!(f, "{}({}) -> {}", self.name, params.join(", "), self.returns)
    }
}

pub fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic()) && chars.all(|c| c.is_ascii_alphanumeric())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_signatures() {
        let sig = Signature::parse("twoSum(nums: int[], target: int) -> int[]").expect("parse");
        assert_eq!(sig.name, "twoSum");
        assert_eq!(sig.params[0].ty, Type::Array(Box::new(Type::Int)));
        assert_eq!(sig.to_string(), "twoSum(nums: int[], target: int) -> int[]");
        assert_eq!(sig.snake_name(), "two_sum");
        let grid = Signature::parse("f(g: string[][]) -> void").expect("parse");
        assert_eq!(grid.params[0].ty.depth(), 2);
        assert!(Signature::parse("f(g: int[][][]) -> int").is_err());
        assert!(Signature::parse("f(x: foo) -> int").unwrap_err().contains("unknown type `foo`"));
        assert!(Signature::parse("f() -> int").is_err());
        assert!(Signature::parse("f(a: int, a: int) -> int").is_err());
    }

    #[test]
    fn checks_values() {
        let ty = Type::Array(Box::new(Type::Int));
        assert!(ty.check(&json!([1, 2]), "nums").is_ok());
        assert_eq!(ty.check(&json!([1, "x"]), "nums").unwrap_err(), "nums[1]: expected a 32-bit integer, found \"x\"");
        assert!(Type::Int.check(&json!(1u64 << 40), "n").is_err());
        assert!(Type::Tree.check(&json!([1, null, 2]), "root").is_ok());
        assert!(Type::Tree.check(&json!([null]), "root").is_err());
        assert!(Type::Char.check(&json!("ab"), "c").is_err());
    }
}
