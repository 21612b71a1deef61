public class Solution {
    public int NumIslands(int[][] grid) {
        int rows = grid.Length, cols = grid[0].Length;
        var seen = new bool[rows, cols];
        int[] dr = { 1, -1, 0, 0 };
        int[] dc = { 0, 0, 1, -1 };
        var stack = new Stack<int>();
        int count = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (grid[r][c] != 1 || seen[r, c]) {
                    continue;
                }
                count++;
                seen[r, c] = true;
                stack.Push(r * cols + c);
                while (stack.Count > 0) {
                    int cell = stack.Pop();
                    int y = cell / cols, x = cell % cols;
                    for (int d = 0; d < 4; d++) {
                        int ny = y + dr[d], nx = x + dc[d];
                        if (ny >= 0 && ny < rows && nx >= 0 && nx < cols && grid[ny][nx] == 1 && !seen[ny, nx]) {
                            seen[ny, nx] = true;
                            stack.Push(ny * cols + nx);
                        }
                    }
                }
            }
        }
        return count;
    }
}
