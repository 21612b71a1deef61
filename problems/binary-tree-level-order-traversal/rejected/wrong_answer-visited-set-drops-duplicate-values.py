# Carries a graph-style visited set keyed by node value, so a node repeating an earlier value is dropped.
from collections import deque


def levelOrder(root: Optional[TreeNode]) -> List[List[int]]:
    if root is None:
        return []
    result = []
    visited = {root.val}
    queue = deque([root])
    while queue:
        level = []
        for _ in range(len(queue)):
            node = queue.popleft()
            level.append(node.val)
            for child in (node.left, node.right):
                if child and child.val not in visited:
                    visited.add(child.val)
                    queue.append(child)
        result.append(level)
    return result
