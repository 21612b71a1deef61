class Solution {

    /**
     * @param TreeNode $root
     * @return Integer
     */
    function maxPathSum($root) {
        $best = PHP_INT_MIN;
        $this->gain($root, $best);
        return $best;
    }

    /** The best downward path from $node; $best collects the best path through any node. */
    private function gain($node, &$best) {
        if ($node === null) return 0;
        $left = max($this->gain($node->left, $best), 0);
        $right = max($this->gain($node->right, $best), 0);
        $best = max($best, $node->val + $left + $right);
        return $node->val + max($left, $right);
    }
}
