# @param {Integer[]} nums
# @return {Integer}
def max_sub_array(nums)
  best = current = nums.first
  nums.drop(1).each do |x|
    current = [x, current + x].max
    best = [best, current].max
  end
  best
end
