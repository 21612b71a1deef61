class Solution {
    func maxPathSum(_ root: TreeNode?) -> Int {
        guard let root = root else { return 0 }
        // Pre-order lists every parent before its children, so walking it backwards
        // computes each node's gain after its children's without recursion.
        var order: [TreeNode] = []
        var stack = [root]
        while let node = stack.popLast() {
            order.append(node)
            if let left = node.left { stack.append(left) }
            if let right = node.right { stack.append(right) }
        }
        var gain: [ObjectIdentifier: Int] = [:]
        var best = root.val
        for node in order.reversed() {
            let left = node.left.map { max(gain[ObjectIdentifier($0)]!, 0) } ?? 0
            let right = node.right.map { max(gain[ObjectIdentifier($0)]!, 0) } ?? 0
            best = max(best, node.val + left + right)
            gain[ObjectIdentifier(node)] = node.val + max(left, right)
        }
        return best
    }
}
