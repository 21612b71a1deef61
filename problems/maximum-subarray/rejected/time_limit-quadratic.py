# Correct, but sums every subarray: O(n^2) is far too slow for 10^5 numbers.
def maxSubArray(nums: List[int]) -> int:
    best = nums[0]
    n = len(nums)
    for i in range(n):
        total = 0
        for j in range(i, n):
            total += nums[j]
            best = max(best, total)
    return best
