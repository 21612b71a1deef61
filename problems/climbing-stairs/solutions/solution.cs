public class Solution {
    public long ClimbStairs(int n) {
        long a = 1, b = 1;
        for (int i = 0; i < n; i++) {
            long next = a + b;
            a = b;
            b = next;
        }
        return a;
    }
}
