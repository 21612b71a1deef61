package main

func isPalindrome(s string) bool {
	i, j := 0, len(s)-1
	for i < j {
		a, b := s[i], s[j]
		switch {
		case !isAlphanumeric(a):
			i++
		case !isAlphanumeric(b):
			j--
		case toLower(a) != toLower(b):
			return false
		default:
			i++
			j--
		}
	}
	return true
}

func isAlphanumeric(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
}

func toLower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
