# @param {String[]} strs
# @return {String}
def longest_common_prefix(strs)
  return "" if strs.empty?

  first, last = strs.minmax
  length = 0
  length += 1 while length < first.length && first[length] == last[length]
  first[0, length]
end
