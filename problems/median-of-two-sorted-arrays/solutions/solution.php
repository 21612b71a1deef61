class Solution {

    /**
     * @param Integer[] $nums1
     * @param Integer[] $nums2
     * @return Float
     */
    function findMedianSortedArrays($nums1, $nums2) {
        [$a, $b] = count($nums1) <= count($nums2) ? [$nums1, $nums2] : [$nums2, $nums1];
        $m = count($a);
        $n = count($b);
        $half = intdiv($m + $n + 1, 2);
        $low = 0;
        $high = $m;
        while ($low <= $high) {
            $i = intdiv($low + $high, 2);
            $j = $half - $i;
            $aLeft = $i > 0 ? $a[$i - 1] : -INF;
            $aRight = $i < $m ? $a[$i] : INF;
            $bLeft = $j > 0 ? $b[$j - 1] : -INF;
            $bRight = $j < $n ? $b[$j] : INF;
            if ($aLeft <= $bRight && $bLeft <= $aRight) {
                $left = max($aLeft, $bLeft);
                if (($m + $n) % 2 === 1) return (float) $left;
                return ($left + min($aRight, $bRight)) / 2;
            }
            if ($aLeft > $bRight) {
                $high = $i - 1;
            } else {
                $low = $i + 1;
            }
        }
        return 0.0;
    }
}
