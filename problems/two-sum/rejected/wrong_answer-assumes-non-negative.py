# Skips numbers larger than the target, which is only safe when no number is negative.
def twoSum(nums: List[int], target: int) -> List[int]:
    seen = {}
    for i, x in enumerate(nums):
        if x > target:
            continue
        if target - x in seen:
            return [seen[target - x], i]
        seen[x] = i
    return []
