# What LeetCode-style Python code uses without importing it: the ListNode and TreeNode classes
# and the typing names, put into builtins; and the conversions between nodes and the tests'
# values. The judge's Python driver starts with this file, and scripts/gen-problem-tests.py runs
# the reference solutions under it.
import builtins

TYPING_NAMES = ("List", "Optional", "Dict", "Set", "Tuple")


def provide_typing_names(source=None):
    """Puts the typing names into builtins, when `source` (the code about to run) names any of
    them: importing typing costs a start-up several milliseconds, and code that never writes
    these names cannot use them."""
    if source is not None and not any(name in source for name in TYPING_NAMES):
        return
    import typing

    for name in TYPING_NAMES:
        setattr(builtins, name, getattr(typing, name))


class ListNode:
    def __init__(self, val=0, next=None):
        self.val = val
        self.next = next


class TreeNode:
    def __init__(self, val=0, left=None, right=None):
        self.val = val
        self.left = left
        self.right = right


builtins.ListNode = ListNode
builtins.TreeNode = TreeNode


def to_list(values):
    head = None
    for v in reversed(values):
        head = ListNode(v, head)
    return head


def to_tree(values):
    """The tree of LeetCode's level order, `None` standing for a missing child."""
    if not values:
        return None
    root = TreeNode(values[0])
    queue, i, k = [root], 1, 0
    while i < len(values) and k < len(queue):
        node = queue[k]
        k += 1
        if i < len(values) and values[i] is not None:
            node.left = TreeNode(values[i])
            queue.append(node.left)
        i += 1
        if i < len(values) and values[i] is not None:
            node.right = TreeNode(values[i])
            queue.append(node.right)
        i += 1
    return root


def from_list(head):
    out, seen = [], 0
    while head is not None:
        seen += 1
        if seen > 1000000:
            raise ValueError("the returned list has a cycle")
        out.append(head.val)
        head = head.next
    return out


def from_tree(root):
    """LeetCode's level order of the tree, without the trailing missing children."""
    out, queue, k = [], [root], 0
    while k < len(queue):
        node = queue[k]
        k += 1
        if node is None:
            out.append(None)
        else:
            out.append(node.val)
            queue.append(node.left)
            queue.append(node.right)
        if k > 2000000:
            raise ValueError("the returned tree is too large or has a cycle")
    while out and out[-1] is None:
        out.pop()
    return out
