class Solution {

    /**
     * @param Integer[] $nums
     * @return Integer
     */
    function maxSubArray($nums) {
        $best = $current = $nums[0];
        for ($i = 1, $n = count($nums); $i < $n; $i++) {
            $current = max($nums[$i], $current + $nums[$i]);
            $best = max($best, $current);
        }
        return $best;
    }
}
