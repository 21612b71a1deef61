package main

func trap(height []int) int {
	i, j := 0, len(height)-1
	leftMax, rightMax, water := 0, 0, 0
	for i < j {
		if height[i] < height[j] {
			leftMax = max(leftMax, height[i])
			water += leftMax - height[i]
			i++
		} else {
			rightMax = max(rightMax, height[j])
			water += rightMax - height[j]
			j--
		}
	}
	return water
}

func max(a, b int) int {
	if a > b {
		return a
	}
	return b
}
