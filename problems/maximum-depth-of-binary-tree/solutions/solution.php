class Solution {

    /**
     * @param TreeNode $root
     * @return Integer
     */
    function maxDepth($root) {
        $depth = 0;
        $level = $root === null ? [] : [$root];
        while ($level) {
            $depth++;
            $next = [];
            foreach ($level as $node) {
                if ($node->left !== null) $next[] = $node->left;
                if ($node->right !== null) $next[] = $node->right;
            }
            $level = $next;
        }
        return $depth;
    }
}
