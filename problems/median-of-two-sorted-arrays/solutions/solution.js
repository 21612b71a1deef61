function findMedianSortedArrays(nums1, nums2) {
    let [a, b] = nums1.length <= nums2.length ? [nums1, nums2] : [nums2, nums1];
    const m = a.length, n = b.length, half = (m + n + 1) >> 1;
    let low = 0, high = m;
    while (low <= high) {
        const i = (low + high) >> 1, j = half - i;
        const aLeft = i > 0 ? a[i - 1] : -Infinity, aRight = i < m ? a[i] : Infinity;
        const bLeft = j > 0 ? b[j - 1] : -Infinity, bRight = j < n ? b[j] : Infinity;
        if (aLeft <= bRight && bLeft <= aRight) {
            if ((m + n) % 2) return Math.max(aLeft, bLeft);
            return (Math.max(aLeft, bLeft) + Math.min(aRight, bRight)) / 2;
        }
        if (aLeft > bRight) high = i - 1; else low = i + 1;
    }
    return 0;
}
