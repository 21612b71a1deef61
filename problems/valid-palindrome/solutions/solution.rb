# @param {String} s
# @return {Boolean}
def is_palindrome(s)
  kept = s.delete("^a-zA-Z0-9").downcase
  kept == kept.reverse
end
