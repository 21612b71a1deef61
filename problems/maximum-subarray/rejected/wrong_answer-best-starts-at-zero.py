# Starts the best sum at 0 and resets the running sum to 0, so an all-negative array reports 0.
def maxSubArray(nums: List[int]) -> int:
    best = current = 0
    for x in nums:
        current = max(current + x, 0)
        best = max(best, current)
    return best
