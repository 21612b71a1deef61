fn longest_common_prefix(strs: Vec<String>) -> String {
    let first = strs[0].as_bytes();
    let mut len = first.len();
    for s in &strs[1..] {
        len = first[..len]
            .iter()
            .zip(s.as_bytes())
            .take_while(|(a, b)| a == b)
            .count();
    }
    strs[0][..len].to_string()
}
