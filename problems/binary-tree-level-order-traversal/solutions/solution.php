class Solution {

    /**
     * @param TreeNode $root
     * @return Integer[][]
     */
    function levelOrder($root) {
        $levels = [];
        $level = $root === null ? [] : [$root];
        while ($level) {
            $values = [];
            $next = [];
            foreach ($level as $node) {
                $values[] = $node->val;
                if ($node->left !== null) $next[] = $node->left;
                if ($node->right !== null) $next[] = $node->right;
            }
            $levels[] = $values;
            $level = $next;
        }
        return $levels;
    }
}
