class Solution {

    /**
     * @param String $s
     * @return Boolean
     */
    function isPalindrome($s) {
        $kept = strtolower(preg_replace('/[^A-Za-z0-9]/', '', $s));
        return $kept === strrev($kept);
    }
}
