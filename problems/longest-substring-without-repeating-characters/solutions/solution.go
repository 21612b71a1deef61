package main

func lengthOfLongestSubstring(s string) int {
	var last [256]int
	for i := range last {
		last[i] = -1
	}
	start, best := 0, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if last[c] >= start {
			start = last[c] + 1
		}
		last[c] = i
		best = max(best, i-start+1)
	}
	return best
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}
