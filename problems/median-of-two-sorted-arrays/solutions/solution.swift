class Solution {
    func findMedianSortedArrays(_ nums1: [Int], _ nums2: [Int]) -> Double {
        // Binary-search how many elements the shorter array contributes to the left half.
        let (a, b) = nums1.count <= nums2.count ? (nums1, nums2) : (nums2, nums1)
        let (m, n) = (a.count, b.count)
        var (low, high) = (0, m)
        let half = (m + n + 1) / 2
        while low <= high {
            let i = (low + high) / 2
            let j = half - i
            let aLeft = i > 0 ? a[i - 1] : Int.min
            let aRight = i < m ? a[i] : Int.max
            let bLeft = j > 0 ? b[j - 1] : Int.min
            let bRight = j < n ? b[j] : Int.max
            if aLeft > bRight {
                high = i - 1
            } else if bLeft > aRight {
                low = i + 1
            } else {
                let leftMax = max(aLeft, bLeft)
                if (m + n) % 2 == 1 {
                    return Double(leftMax)
                }
                return Double(leftMax + min(aRight, bRight)) / 2
            }
        }
        return 0
    }
}
