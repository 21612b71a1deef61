int lengthOfLongestSubstring(char* s) {
    int last[256];
    for (int c = 0; c < 256; c++) last[c] = -1;
    int start = 0, best = 0;
    for (int i = 0; s[i]; i++) {
        unsigned char c = (unsigned char) s[i];
        if (last[c] >= start) start = last[c] + 1;
        last[c] = i;
        if (i - start + 1 > best) best = i - start + 1;
    }
    return best;
}
