function isPalindrome(s: string): boolean {
    const kept = s.toLowerCase().replace(/[^a-z0-9]/g, "");
    for (let i = 0, j = kept.length - 1; i < j; i++, j--) {
        if (kept[i] !== kept[j]) return false;
    }
    return true;
}
