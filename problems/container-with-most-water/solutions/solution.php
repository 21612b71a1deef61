class Solution {

    /**
     * @param Integer[] $height
     * @return Integer
     */
    function maxArea($height) {
        $i = 0;
        $j = count($height) - 1;
        $best = 0;
        while ($i < $j) {
            $best = max($best, ($j - $i) * min($height[$i], $height[$j]));
            if ($height[$i] < $height[$j]) {
                $i++;
            } else {
                $j--;
            }
        }
        return $best;
    }
}
