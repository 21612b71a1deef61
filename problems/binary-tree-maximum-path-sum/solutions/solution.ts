function maxPathSum(root: TreeNode | null): number {
    // Nodes in pre-order, so walking the list backwards visits children before parents
    // (iterative to avoid call-stack overflow on deep trees).
    const order: TreeNode[] = [];
    const stack: TreeNode[] = root ? [root] : [];
    while (stack.length > 0) {
        const node = stack.pop()!;
        order.push(node);
        if (node.left) stack.push(node.left);
        if (node.right) stack.push(node.right);
    }
    const gain = new Map<TreeNode, number>();
    let best = -Infinity;
    for (let i = order.length - 1; i >= 0; i--) {
        const node = order[i];
        const left = node.left ? Math.max(gain.get(node.left)!, 0) : 0;
        const right = node.right ? Math.max(gain.get(node.right)!, 0) : 0;
        best = Math.max(best, node.val + left + right);
        gain.set(node, node.val + Math.max(left, right));
    }
    return best;
}
