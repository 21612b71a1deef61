typedef struct {
    char* key;
    int index;
} Entry;

static char* sortedLetters(const char* s) {
    int counts[26] = {0};
    size_t len = 0;
    for (; s[len]; len++) counts[s[len] - 'a']++;
    char* key = malloc(len + 1);
    size_t k = 0;
    for (int c = 0; c < 26; c++)
        while (counts[c]--) key[k++] = (char) ('a' + c);
    key[k] = '\0';
    return key;
}

static int compareEntries(const void* a, const void* b) {
    const Entry* x = a;
    const Entry* y = b;
    int order = strcmp(x->key, y->key);
    if (order != 0) return order;
    return (x->index > y->index) - (x->index < y->index);
}

char*** groupAnagrams(char** strs, int strsSize, int* returnSize, int** returnColumnSizes) {
    Entry* entries = malloc(sizeof *entries * (strsSize > 0 ? strsSize : 1));
    for (int i = 0; i < strsSize; i++) {
        entries[i].key = sortedLetters(strs[i]);
        entries[i].index = i;
    }
    qsort(entries, strsSize, sizeof *entries, compareEntries);

    char*** groups = malloc(sizeof *groups * (strsSize > 0 ? strsSize : 1));
    int* sizes = malloc(sizeof *sizes * (strsSize > 0 ? strsSize : 1));
    int count = 0;
    for (int start = 0; start < strsSize;) {
        int end = start + 1;
        while (end < strsSize && strcmp(entries[end].key, entries[start].key) == 0) end++;
        char** group = malloc(sizeof *group * (end - start));
        for (int k = start; k < end; k++) group[k - start] = strs[entries[k].index];
        groups[count] = group;
        sizes[count] = end - start;
        count++;
        start = end;
    }

    for (int i = 0; i < strsSize; i++) free(entries[i].key);
    free(entries);
    *returnSize = count;
    *returnColumnSizes = sizes;
    return groups;
}
