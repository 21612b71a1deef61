public class Solution {
    public int MaxDepth(TreeNode root) {
        int depth = 0;
        var queue = new Queue<TreeNode>();
        if (root != null) {
            queue.Enqueue(root);
        }
        while (queue.Count > 0) {
            depth++;
            for (int size = queue.Count; size > 0; size--) {
                TreeNode node = queue.Dequeue();
                if (node.left != null) {
                    queue.Enqueue(node.left);
                }
                if (node.right != null) {
                    queue.Enqueue(node.right);
                }
            }
        }
        return depth;
    }
}
