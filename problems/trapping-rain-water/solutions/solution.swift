class Solution {
    func trap(_ height: [Int]) -> Int {
        var (i, j) = (0, height.count - 1)
        var (leftMax, rightMax, water) = (0, 0, 0)
        while i < j {
            if height[i] < height[j] {
                leftMax = max(leftMax, height[i])
                water += leftMax - height[i]
                i += 1
            } else {
                rightMax = max(rightMax, height[j])
                water += rightMax - height[j]
                j -= 1
            }
        }
        return water
    }
}
