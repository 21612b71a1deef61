public class Solution {
    public int LengthOfLongestSubstring(string s) {
        // next[c] is one past the last index where c was seen (0 = not seen yet).
        var next = new int[128];
        int start = 0, best = 0;
        for (int i = 0; i < s.Length; i++) {
            start = Math.Max(start, next[s[i]]);
            next[s[i]] = i + 1;
            best = Math.Max(best, i - start + 1);
        }
        return best;
    }
}
