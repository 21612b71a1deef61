# Jumps the window start past the previous occurrence even when that occurrence is already outside the window (e.g. "abba").
def lengthOfLongestSubstring(s: str) -> int:
    last, start, best = {}, 0, 0
    for i, c in enumerate(s):
        if c in last:
            start = last[c] + 1
        last[c] = i
        best = max(best, i - start + 1)
    return best
