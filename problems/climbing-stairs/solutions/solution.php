class Solution {

    /**
     * @param Integer $n
     * @return Integer
     */
    function climbStairs($n) {
        [$a, $b] = [1, 1];
        for ($i = 0; $i < $n; $i++) {
            [$a, $b] = [$b, $a + $b];
        }
        return $a;
    }
}
