function groupAnagrams(strs: string[]): string[][] {
    const groups = new Map<string, string[]>();
    for (const s of strs) {
        const key = s.split("").sort().join("");
        const group = groups.get(key);
        if (group) group.push(s);
        else groups.set(key, [s]);
    }
    return [...groups.values()];
}
