double findMedianSortedArrays(int* nums1, int nums1Size, int* nums2, int nums2Size) {
    if (nums1Size > nums2Size) return findMedianSortedArrays(nums2, nums2Size, nums1, nums1Size);
    int* a = nums1;
    int* b = nums2;
    int m = nums1Size, n = nums2Size;
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
            int leftMax = aLeft > bLeft ? aLeft : bLeft;
            if ((m + n) % 2 == 1) return leftMax;
            int rightMin = aRight < bRight ? aRight : bRight;
            return ((double) leftMax + rightMin) / 2.0;
        }
    }
    return 0.0;
}
