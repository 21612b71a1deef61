# @param {Integer[]} height
# @return {Integer}
def max_area(height)
  i = 0
  j = height.length - 1
  best = 0
  while i < j
    area = (j - i) * [height[i], height[j]].min
    best = area if area > best
    if height[i] < height[j]
      i += 1
    else
      j -= 1
    end
  end
  best
end
