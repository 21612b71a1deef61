# Skips a missing root inside the loop, after the level was already counted, so an empty tree has depth 1.
from collections import deque


def maxDepth(root: Optional[TreeNode]) -> int:
    depth = 0
    queue = deque([root])
    while queue:
        depth += 1
        for _ in range(len(queue)):
            node = queue.popleft()
            if node is None:
                continue
            if node.left:
                queue.append(node.left)
            if node.right:
                queue.append(node.right)
    return depth
