static int bestGain(TreeNode* node, int& best) {
    if (!node) return 0;
    int left = max(bestGain(node->left, best), 0);
    int right = max(bestGain(node->right, best), 0);
    best = max(best, node->val + left + right);
    return node->val + max(left, right);
}

int maxPathSum(TreeNode* root) {
    int best = root->val;
    bestGain(root, best);
    return best;
}
