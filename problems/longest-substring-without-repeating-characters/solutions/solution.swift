class Solution {
    func lengthOfLongestSubstring(_ s: String) -> Int {
        // next[c] is one past the last index where byte c was seen (0 = not seen yet).
        var next = [Int](repeating: 0, count: 256)
        var (start, best) = (0, 0)
        for (i, c) in s.utf8.enumerated() {
            start = max(start, next[Int(c)])
            next[Int(c)] = i + 1
            best = max(best, i - start + 1)
        }
        return best
    }
}
