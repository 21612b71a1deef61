class Solution {
    func maxArea(_ height: [Int]) -> Int {
        var (i, j, best) = (0, height.count - 1, 0)
        while i < j {
            best = max(best, (j - i) * min(height[i], height[j]))
            if height[i] < height[j] {
                i += 1
            } else {
                j -= 1
            }
        }
        return best
    }
}
