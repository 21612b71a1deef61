class Solution {
    func numIslands(_ grid: [[Int]]) -> Int {
        var grid = grid
        let (rows, cols) = (grid.count, grid[0].count)
        var count = 0
        var stack: [(Int, Int)] = []
        for r in 0..<rows {
            for c in 0..<cols where grid[r][c] == 1 {
                count += 1
                grid[r][c] = 0
                stack.append((r, c))
                // Sink the island with an explicit stack; recursion could go rows * cols deep.
                while let (y, x) = stack.popLast() {
                    for (ny, nx) in [(y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)]
                    where ny >= 0 && ny < rows && nx >= 0 && nx < cols && grid[ny][nx] == 1 {
                        grid[ny][nx] = 0
                        stack.append((ny, nx))
                    }
                }
            }
        }
        return count
    }
}
