package main

import "math"

func findMedianSortedArrays(nums1 []int, nums2 []int) float64 {
	a, b := nums1, nums2
	if len(a) > len(b) {
		a, b = b, a
	}
	m, n := len(a), len(b)
	low, high, half := 0, m, (m+n+1)/2
	for low <= high {
		i := (low + high) / 2
		j := half - i
		aLeft, aRight := math.MinInt, math.MaxInt
		bLeft, bRight := math.MinInt, math.MaxInt
		if i > 0 {
			aLeft = a[i-1]
		}
		if i < m {
			aRight = a[i]
		}
		if j > 0 {
			bLeft = b[j-1]
		}
		if j < n {
			bRight = b[j]
		}
		if aLeft <= bRight && bLeft <= aRight {
			leftMax := max(aLeft, bLeft)
			if (m+n)%2 == 1 {
				return float64(leftMax)
			}
			return float64(leftMax+min(aRight, bRight)) / 2
		}
		if aLeft > bRight {
			high = i - 1
		} else {
			low = i + 1
		}
	}
	return 0
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}

func min(a, b int) int {
	if a < b {
		return a
	}
	return b
}
