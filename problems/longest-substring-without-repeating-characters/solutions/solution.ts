function lengthOfLongestSubstring(s: string): number {
    const lastSeen = new Map<string, number>();
    let start = 0;
    let best = 0;
    for (let i = 0; i < s.length; i++) {
        const previous = lastSeen.get(s[i]);
        if (previous !== undefined && previous >= start) start = previous + 1;
        lastSeen.set(s[i], i);
        best = Math.max(best, i - start + 1);
    }
    return best;
}
