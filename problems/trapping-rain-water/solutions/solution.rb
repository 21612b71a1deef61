# @param {Integer[]} height
# @return {Integer}
def trap(height)
  i = 0
  j = height.length - 1
  left_max = right_max = water = 0
  while i < j
    if height[i] < height[j]
      left_max = height[i] if height[i] > left_max
      water += left_max - height[i]
      i += 1
    else
      right_max = height[j] if height[j] > right_max
      water += right_max - height[j]
      j -= 1
    end
  end
  water
end
