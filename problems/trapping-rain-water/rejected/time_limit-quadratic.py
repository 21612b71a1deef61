# Correct, but scans left and right from every bar: O(n^2) is far too slow for 10^5 bars.
def trap(height: List[int]) -> int:
    water = 0
    n = len(height)
    for i in range(n):
        left = max(height[: i + 1])
        right = max(height[i:])
        water += min(left, right) - height[i]
    return water
