double findMedianSortedArrays(vector<int>& nums1, vector<int>& nums2) {
    if (nums1.size() > nums2.size()) return findMedianSortedArrays(nums2, nums1);
    const vector<int>& a = nums1;
    const vector<int>& b = nums2;
    int m = (int) a.size(), n = (int) b.size();
    int low = 0, high = m, half = (m + n + 1) / 2;
    while (low <= high) {
        int i = low + (high - low) / 2;
        int j = half - i;
        int aLeft = i > 0 ? a[i - 1] : INT_MIN;
        int aRight = i < m ? a[i] : INT_MAX;
        int bLeft = j > 0 ? b[j - 1] : INT_MIN;
        int bRight = j < n ? b[j] : INT_MAX;
        if (aLeft > bRight) {
            high = i - 1;
        } else if (bLeft > aRight) {
            low = i + 1;
        } else {
            int leftMax = max(aLeft, bLeft);
            if ((m + n) % 2 == 1) return leftMax;
            int rightMin = min(aRight, bRight);
            return ((double) leftMax + rightMin) / 2.0;
        }
    }
    return 0.0;
}
