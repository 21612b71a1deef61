# Keys groups by the set of letters, ignoring how often each occurs, so "aab" and "abb" end up together.
def groupAnagrams(strs: List[str]) -> List[List[str]]:
    groups = {}
    for s in strs:
        key = "".join(sorted(set(s)))
        groups.setdefault(key, []).append(s)
    return list(groups.values())
