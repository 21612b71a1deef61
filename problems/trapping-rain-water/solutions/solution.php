class Solution {

    /**
     * @param Integer[] $height
     * @return Integer
     */
    function trap($height) {
        $i = 0;
        $j = count($height) - 1;
        $leftMax = $rightMax = $water = 0;
        while ($i < $j) {
            if ($height[$i] < $height[$j]) {
                $leftMax = max($leftMax, $height[$i]);
                $water += $leftMax - $height[$i];
                $i++;
            } else {
                $rightMax = max($rightMax, $height[$j]);
                $water += $rightMax - $height[$j];
                $j--;
            }
        }
        return $water;
    }
}
