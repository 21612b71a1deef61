class Solution {
    func levelOrder(_ root: TreeNode?) -> [[Int]] {
        var levels: [[Int]] = []
        var level: [TreeNode] = root.map { [$0] } ?? []
        while !level.isEmpty {
            levels.append(level.map { $0.val })
            level = level.flatMap { [$0.left, $0.right].compactMap { $0 } }
        }
        return levels
    }
}
