vector<vector<int>> levelOrder(TreeNode* root) {
    vector<vector<int>> result;
    if (!root) return result;
    queue<TreeNode*> pending;
    pending.push(root);
    while (!pending.empty()) {
        vector<int>& level = result.emplace_back();
        for (size_t width = pending.size(); width > 0; width--) {
            TreeNode* node = pending.front();
            pending.pop();
            level.push_back(node->val);
            if (node->left) pending.push(node->left);
            if (node->right) pending.push(node->right);
        }
    }
    return result;
}
