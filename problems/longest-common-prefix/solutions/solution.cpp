string longestCommonPrefix(vector<string>& strs) {
    size_t len = strs[0].size();
    for (size_t i = 1; i < strs.size(); i++) {
        size_t k = 0;
        while (k < len && k < strs[i].size() && strs[i][k] == strs[0][k]) k++;
        len = k;
    }
    return strs[0].substr(0, len);
}
