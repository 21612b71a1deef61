# Correct, but builds a set for every substring: O(n^3), hopeless for 10^5 characters.
def lengthOfLongestSubstring(s: str) -> int:
    best = 0
    n = len(s)
    for i in range(n):
        for j in range(i + 1, n + 1):
            if len(set(s[i:j])) == j - i:
                best = max(best, j - i)
    return best
