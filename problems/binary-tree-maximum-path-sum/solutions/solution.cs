public class Solution {
    public int MaxPathSum(TreeNode root) {
        // Pre-order lists every parent before its children, so walking it backwards
        // computes each node's gain after its children's without recursion.
        var order = new List<TreeNode>();
        var stack = new Stack<TreeNode>();
        stack.Push(root);
        while (stack.Count > 0) {
            TreeNode node = stack.Pop();
            order.Add(node);
            if (node.left != null) {
                stack.Push(node.left);
            }
            if (node.right != null) {
                stack.Push(node.right);
            }
        }
        var gain = new Dictionary<TreeNode, int>(order.Count);
        int best = root.val;
        for (int i = order.Count - 1; i >= 0; i--) {
            TreeNode node = order[i];
            int left = node.left == null ? 0 : Math.Max(gain[node.left], 0);
            int right = node.right == null ? 0 : Math.Max(gain[node.right], 0);
            best = Math.Max(best, node.val + left + right);
            gain[node] = node.val + Math.Max(left, right);
        }
        return best;
    }
}
