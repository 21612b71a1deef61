public class Solution {
    public double FindMedianSortedArrays(int[] nums1, int[] nums2) {
        // Binary-search how many elements the shorter array contributes to the left half.
        int[] a = nums1.Length <= nums2.Length ? nums1 : nums2;
        int[] b = nums1.Length <= nums2.Length ? nums2 : nums1;
        int m = a.Length, n = b.Length;
        int low = 0, high = m, half = (m + n + 1) / 2;
        while (low <= high) {
            int i = (low + high) / 2;
            int j = half - i;
            int aLeft = i > 0 ? a[i - 1] : int.MinValue;
            int aRight = i < m ? a[i] : int.MaxValue;
            int bLeft = j > 0 ? b[j - 1] : int.MinValue;
            int bRight = j < n ? b[j] : int.MaxValue;
            if (aLeft > bRight) {
                high = i - 1;
            } else if (bLeft > aRight) {
                low = i + 1;
            } else {
                int leftMax = Math.Max(aLeft, bLeft);
                if ((m + n) % 2 == 1) {
                    return leftMax;
                }
                return ((long)leftMax + Math.Min(aRight, bRight)) / 2.0;
            }
        }
        return 0.0;
    }
}
