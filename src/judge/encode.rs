//! What the driver reads on stdin: a run nonce, the number of tests, then every test's
//! arguments as a typed token stream. Tokens are chosen so that a driver in any language
//! can read them with a few lines and no JSON parser: numbers in decimal, booleans as 1/0,
//! chars as their code, strings as `<byte length> <bytes>`, arrays and lists as
//! `<count> <elements>`, trees as `<count>` then values with `n` for a missing node.
//! Expected answers are never sent: the server compares.

use std::io::Write;

use serde_json::Value;

use crate::problems::types::{Param, Type};

pub fn stdin(nonce: &str, params: &[Param], tests: &[&serde_json::Map<String, Value>]) -> Vec<u8> {
    let mut out = Vec::new();
    let _ = writeln!(out, "{nonce}\n{}", tests.len());
    for input in tests {
        for param in params {
            value(&mut out, &param.ty, input.get(&param.name).unwrap_or(&Value::Null));
        }
        out.push(b'\n');
    }
    out
}

fn value(out: &mut Vec<u8>, ty: &Type, value: &Value) {
    // Definitions are type-checked when loaded; a mismatch here still yields a readable token.
    let _ = match ty {
        Type::Int | Type::Long => write!(out, "{} ", value.as_i64().unwrap_or(0)),
        Type::Double => write!(out, "{:?} ", value.as_f64().unwrap_or(0.0)),
        Type::Bool => write!(out, "{} ", u8::from(value.as_bool().unwrap_or(false))),
        Type::Char => write!(out, "{} ", value.as_str().and_then(|s| s.chars().next()).map_or(0, u32::from)),
        Type::String => {
            let text = value.as_str().unwrap_or_default();
            let _ = write!(out, "{} ", text.len());
            out.extend_from_slice(text.as_bytes());
            write!(out, " ")
        }
        Type::Array(inner) => {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            let _ = write!(out, "{} ", items.len());
            for item in items {
                self::value(out, inner, item);
            }
            Ok(())
        }
        Type::List => {
            self::value(out, &Type::Array(Box::new(Type::Int)), value);
            Ok(())
        }
        Type::Tree => {
            let items = value.as_array().map(Vec::as_slice).unwrap_or_default();
            let _ = write!(out, "{} ", items.len());
            for item in items {
                let _ = match item.as_i64() {
                    Some(n) => write!(out, "{n} "),
                    None => write!(out, "n "),
                };
            }
            Ok(())
        }
        Type::Void => Ok(()),
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::problems::types::Signature;
    use serde_json::json;

    #[test]
    fn encodes_tokens() {
        let sig = Signature::parse("f(s: string, xs: int[][], t: tree, c: char, b: bool) -> int").expect("sig");
        let input = json!({"s": "a b\n", "xs": [[1, 2], []], "t": [1, null, 2], "c": "x", "b": true});
        let map = input.as_object().expect("object");
        let text = String::from_utf8(stdin("N", &sig.params, &[map])).expect("utf8");
        assert_eq!(text, "N\n1\n4 a b\n 2 2 1 2 0 3 1 n 2 120 1 \n");
    }
}
