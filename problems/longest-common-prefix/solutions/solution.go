package main

func longestCommonPrefix(strs []string) string {
	if len(strs) == 0 {
		return ""
	}
	first := strs[0]
	for i := 0; i < len(first); i++ {
		for _, s := range strs[1:] {
			if i >= len(s) || s[i] != first[i] {
				return first[:i]
			}
		}
	}
	return first
}
