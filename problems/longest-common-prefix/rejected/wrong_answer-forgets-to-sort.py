# Compares only the first and last strings, a trick that works only after sorting the list.
def longestCommonPrefix(strs: List[str]) -> str:
    first, last = strs[0], strs[-1]
    i = 0
    while i < min(len(first), len(last)) and first[i] == last[i]:
        i += 1
    return first[:i]
