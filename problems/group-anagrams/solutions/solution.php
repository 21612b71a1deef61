class Solution {

    /**
     * @param String[] $strs
     * @return String[][]
     */
    function groupAnagrams($strs) {
        $groups = [];
        foreach ($strs as $s) {
            $letters = str_split($s);
            sort($letters);
            // A prefix keeps a key of digits from becoming an integer key.
            $groups['#' . implode('', $letters)][] = $s;
        }
        return array_values($groups);
    }
}
