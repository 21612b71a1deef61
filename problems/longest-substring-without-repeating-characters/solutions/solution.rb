# @param {String} s
# @return {Integer}
def length_of_longest_substring(s)
  last = {}
  start = 0
  best = 0
  s.each_char.with_index do |c, i|
    seen = last[c]
    start = seen + 1 if seen && seen >= start
    last[c] = i
    best = i - start + 1 if i - start + 1 > best
  end
  best
end
