public class Solution {
    public bool IsPalindrome(string s) {
        int i = 0, j = s.Length - 1;
        while (i < j) {
            if (!IsAlphanumeric(s[i])) {
                i++;
            } else if (!IsAlphanumeric(s[j])) {
                j--;
            } else if (char.ToLowerInvariant(s[i++]) != char.ToLowerInvariant(s[j--])) {
                return false;
            }
        }
        return true;
    }

    private static bool IsAlphanumeric(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
