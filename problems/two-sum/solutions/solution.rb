# @param {Integer[]} nums
# @param {Integer} target
# @return {Integer[]}
def two_sum(nums, target)
  seen = {}
  nums.each_with_index do |x, i|
    j = seen[target - x]
    return [j, i] if j
    seen[x] = i
  end
  []
end
