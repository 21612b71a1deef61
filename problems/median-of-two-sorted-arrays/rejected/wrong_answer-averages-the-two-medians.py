# Averages the two arrays' own medians, which equals the combined median only in special cases.
def findMedianSortedArrays(nums1: List[int], nums2: List[int]) -> float:
    def median(a):
        mid = len(a) // 2
        if len(a) % 2:
            return float(a[mid])
        return (a[mid - 1] + a[mid]) / 2

    if not nums1:
        return median(nums2)
    if not nums2:
        return median(nums1)
    return (median(nums1) + median(nums2)) / 2
