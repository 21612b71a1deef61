class Solution {

    /**
     * @param String[] $strs
     * @return String
     */
    function longestCommonPrefix($strs) {
        if (!$strs) return "";
        $prefix = $strs[0];
        foreach ($strs as $s) {
            while (!str_starts_with($s, $prefix)) {
                $prefix = substr($prefix, 0, -1);
            }
        }
        return $prefix;
    }
}
