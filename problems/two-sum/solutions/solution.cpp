vector<int> twoSum(vector<int>& nums, int target) {
    unordered_map<long long, int> indexOf;
    indexOf.reserve(nums.size() * 2);
    for (int i = 0; i < (int) nums.size(); i++) {
        auto it = indexOf.find((long long) target - nums[i]);
        if (it != indexOf.end()) return {it->second, i};
        indexOf.emplace(nums[i], i);
    }
    return {};
}
