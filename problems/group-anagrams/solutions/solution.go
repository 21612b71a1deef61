package main

func groupAnagrams(strs []string) [][]string {
	index := make(map[[26]byte]int)
	result := [][]string{}
	for _, s := range strs {
		var key [26]byte
		for i := 0; i < len(s); i++ {
			key[s[i]-'a']++
		}
		if at, ok := index[key]; ok {
			result[at] = append(result[at], s)
		} else {
			index[key] = len(result)
			result = append(result, []string{s})
		}
	}
	return result
}
