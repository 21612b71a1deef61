function maxPathSum(root) {
    // Iterative post-order: deep trees would overflow a recursive solution's stack.
    let best = -Infinity;
    const gain = new Map([[null, 0]]);
    const stack = [[root, false]];
    while (stack.length) {
        const [node, done] = stack.pop();
        if (!node) continue;
        if (done) {
            const left = Math.max(gain.get(node.left), 0), right = Math.max(gain.get(node.right), 0);
            best = Math.max(best, node.val + left + right);
            gain.set(node, node.val + Math.max(left, right));
        } else {
            stack.push([node, true], [node.right, false], [node.left, false]);
        }
    }
    return best;
}
