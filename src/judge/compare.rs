//! Comparing an answer with the expected value under a problem's rule.

use std::cmp::Ordering;

use serde_json::Value;

use crate::problems::model::Compare;

pub fn matches(rule: Compare, expected: &Value, actual: &Value) -> bool {
    match rule {
        Compare::Exact => numbers_equal(expected, actual, 0.0),
        Compare::Float(tolerance) => numbers_equal(expected, actual, tolerance),
        Compare::Unordered => match (expected, actual) {
            (Value::Array(e), Value::Array(a)) => sorted(e) == sorted(a),
            _ => numbers_equal(expected, actual, 0.0),
        },
        Compare::UnorderedNested => match (expected, actual) {
            (Value::Array(e), Value::Array(a)) => {
                let inner = |items: &[Value]| -> Vec<Value> {
                    items
                        .iter()
                        .map(|item| item.as_array().map_or_else(|| item.clone(), |i| Value::Array(sorted(i))))
                        .collect()
                };
                sorted(&inner(e)) == sorted(&inner(a))
            }
            _ => numbers_equal(expected, actual, 0.0),
        },
    }
}

/// JSON equality where 2 and 2.0 are the same number and doubles may differ by `tolerance`
/// (absolute, or relative for large magnitudes).
fn numbers_equal(expected: &Value, actual: &Value, tolerance: f64) -> bool {
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            if let (Some(e), Some(a)) = (e.as_i64(), a.as_i64()) {
                return e == a;
            }
            match (e.as_f64(), a.as_f64()) {
                (Some(e), Some(a)) => (e - a).abs() <= tolerance * e.abs().max(1.0),
                _ => false,
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            e.len() == a.len() && e.iter().zip(a).all(|(e, a)| numbers_equal(e, a, tolerance))
        }
        (e, a) => e == a,
    }
}

fn sorted(items: &[Value]) -> Vec<Value> {
    let mut items = items.to_vec();
    items.sort_by(order);
    items
}

/// A total order over JSON values, only used to canonicalise unordered answers.
fn order(a: &Value, b: &Value) -> Ordering {
    fn rank(v: &Value) -> u8 {
        match v {
            Value::Null => 0,
            Value::Bool(_) => 1,
            Value::Number(_) => 2,
            Value::String(_) => 3,
            Value::Array(_) => 4,
            Value::Object(_) => 5,
        }
    }
    match (a, b) {
        (Value::Bool(x), Value::Bool(y)) => x.cmp(y),
        (Value::Number(x), Value::Number(y)) => {
            x.as_f64().unwrap_or(0.0).partial_cmp(&y.as_f64().unwrap_or(0.0)).unwrap_or(Ordering::Equal)
        }
        (Value::String(x), Value::String(y)) => x.cmp(y),
        (Value::Array(x), Value::Array(y)) => {
            x.iter().zip(y).map(|(x, y)| order(x, y)).find(|o| o.is_ne()).unwrap_or_else(|| x.len().cmp(&y.len()))
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rules() {
        assert!(matches(Compare::Exact, &json!([0, 1]), &json!([0, 1])));
        assert!(!matches(Compare::Exact, &json!([0, 1]), &json!([1, 0])));
        assert!(matches(Compare::Unordered, &json!([0, 1]), &json!([1, 0])));
        assert!(matches(Compare::UnorderedNested, &json!([["a", "b"], ["c"]]), &json!([["c"], ["b", "a"]])));
        assert!(!matches(Compare::UnorderedNested, &json!([["a", "b"], ["c"]]), &json!([["c"], ["b"]])));
        assert!(matches(Compare::Float(1e-5), &json!(2.5), &json!(2.500001)));
        assert!(!matches(Compare::Float(1e-5), &json!(2.5), &json!(2.6)));
        assert!(matches(Compare::Exact, &json!(2), &json!(2.0)));
        assert!(!matches(Compare::Exact, &json!(2), &Value::Null));
    }
}
