# Correct, but tries every pair of lines: O(n^2) is far too slow for 10^5 lines.
def maxArea(height: List[int]) -> int:
    best = 0
    n = len(height)
    for i in range(n):
        for j in range(i + 1, n):
            best = max(best, (j - i) * min(height[i], height[j]))
    return best
