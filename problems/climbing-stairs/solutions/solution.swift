class Solution {
    func climbStairs(_ n: Int) -> Int {
        // b ends at fib(n + 2), about 5 * 10^14 for n = 70: no overflow.
        var (a, b) = (1, 1)
        for _ in 0..<n {
            (a, b) = (b, a + b)
        }
        return a
    }
}
