vector<vector<string>> groupAnagrams(vector<string>& strs) {
    unordered_map<string, size_t> groupOf;
    vector<vector<string>> groups;
    for (const string& s : strs) {
        string key = s;
        sort(key.begin(), key.end());
        auto [it, inserted] = groupOf.try_emplace(key, groups.size());
        if (inserted) groups.emplace_back();
        groups[it->second].push_back(s);
    }
    return groups;
}
