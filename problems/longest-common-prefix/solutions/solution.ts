function longestCommonPrefix(strs: string[]): string {
    let prefix = strs[0];
    for (const s of strs) {
        let k = 0;
        while (k < prefix.length && k < s.length && prefix[k] === s[k]) k++;
        prefix = prefix.slice(0, k);
    }
    return prefix;
}
