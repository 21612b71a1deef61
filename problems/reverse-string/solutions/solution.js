function reverseString(s) {
    for (let i = 0, j = s.length - 1; i < j; i++, j--) {
        const t = s[i];
        s[i] = s[j];
        s[j] = t;
    }
}
