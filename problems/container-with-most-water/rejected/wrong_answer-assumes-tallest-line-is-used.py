# Assumes the best container always uses the tallest line and only searches for its partner.
def maxArea(height: List[int]) -> int:
    tallest = height.index(max(height))
    best = 0
    for j, h in enumerate(height):
        if j != tallest:
            best = max(best, abs(j - tallest) * min(h, height[tallest]))
    return best
