char* longestCommonPrefix(char** strs, int strsSize) {
    size_t len = strlen(strs[0]);
    for (int i = 1; i < strsSize; i++) {
        size_t k = 0;
        while (k < len && strs[i][k] == strs[0][k]) k++;
        len = k;
    }
    char* prefix = malloc(len + 1);
    memcpy(prefix, strs[0], len);
    prefix[len] = '\0';
    return prefix;
}
