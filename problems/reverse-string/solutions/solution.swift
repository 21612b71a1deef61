class Solution {
    func reverseString(_ s: inout [Character]) {
        var (i, j) = (0, s.count - 1)
        while i < j {
            s.swapAt(i, j)
            i += 1
            j -= 1
        }
    }
}
