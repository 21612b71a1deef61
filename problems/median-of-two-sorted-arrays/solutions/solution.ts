function findMedianSortedArrays(nums1: number[], nums2: number[]): number {
    const [a, b] = nums1.length <= nums2.length ? [nums1, nums2] : [nums2, nums1];
    const m = a.length;
    const n = b.length;
    const half = (m + n + 1) >> 1;
    let low = 0;
    let high = m;
    while (low <= high) {
        const i = (low + high) >> 1;
        const j = half - i;
        const aLeft = i > 0 ? a[i - 1] : -Infinity;
        const aRight = i < m ? a[i] : Infinity;
        const bLeft = j > 0 ? b[j - 1] : -Infinity;
        const bRight = j < n ? b[j] : Infinity;
        if (aLeft > bRight) {
            high = i - 1;
        } else if (bLeft > aRight) {
            low = i + 1;
        } else {
            const left = Math.max(aLeft, bLeft);
            if ((m + n) % 2 === 1) return left;
            return (left + Math.min(aRight, bRight)) / 2;
        }
    }
    throw new Error("inputs are not sorted");
}
