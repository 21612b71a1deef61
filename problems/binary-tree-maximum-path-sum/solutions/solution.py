def maxPathSum(root: Optional[TreeNode]) -> int:
    # Iterative post-order, so that deep trees do not exhaust the stack.
    best = root.val
    gain = {None: 0}
    stack = [(root, False)]
    while stack:
        node, done = stack.pop()
        if node is None:
            continue
        if done:
            left = max(gain[node.left], 0)
            right = max(gain[node.right], 0)
            best = max(best, node.val + left + right)
            gain[node] = node.val + max(left, right)
        else:
            stack.append((node, True))
            stack.append((node.right, False))
            stack.append((node.left, False))
    return best
