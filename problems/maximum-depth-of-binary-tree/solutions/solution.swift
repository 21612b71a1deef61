class Solution {
    func maxDepth(_ root: TreeNode?) -> Int {
        var depth = 0
        var level: [TreeNode] = root.map { [$0] } ?? []
        while !level.isEmpty {
            depth += 1
            level = level.flatMap { [$0.left, $0.right].compactMap { $0 } }
        }
        return depth
    }
}
