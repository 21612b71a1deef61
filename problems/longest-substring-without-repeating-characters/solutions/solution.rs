fn length_of_longest_substring(s: String) -> i32 {
    let mut last_seen = [usize::MAX; 256];
    let (mut start, mut best) = (0, 0);
    for (i, b) in s.bytes().enumerate() {
        let previous = last_seen[b as usize];
        if previous != usize::MAX && previous >= start {
            start = previous + 1;
        }
        last_seen[b as usize] = i;
        best = best.max(i - start + 1);
    }
    best as i32
}
