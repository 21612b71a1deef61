# @param {Integer[]} nums1
# @param {Integer[]} nums2
# @return {Float}
def find_median_sorted_arrays(nums1, nums2)
  a, b = nums1.length <= nums2.length ? [nums1, nums2] : [nums2, nums1]
  m = a.length
  n = b.length
  half = (m + n + 1) / 2
  low = 0
  high = m
  inf = Float::INFINITY
  while low <= high
    i = (low + high) / 2
    j = half - i
    a_left = i.positive? ? a[i - 1] : -inf
    a_right = i < m ? a[i] : inf
    b_left = j.positive? ? b[j - 1] : -inf
    b_right = j < n ? b[j] : inf
    if a_left <= b_right && b_left <= a_right
      left = [a_left, b_left].max
      return left.to_f if (m + n).odd?

      return (left + [a_right, b_right].min) / 2.0
    elsif a_left > b_right
      high = i - 1
    else
      low = i + 1
    end
  end
  0.0
end
