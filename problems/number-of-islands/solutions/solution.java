import java.util.*;

class Solution {
    public int numIslands(int[][] grid) {
        int rows = grid.length;
        if (rows == 0) {
            return 0;
        }
        int cols = grid[0].length;
        boolean[][] seen = new boolean[rows][cols];
        int[] dr = {1, -1, 0, 0};
        int[] dc = {0, 0, 1, -1};
        int[] stack = new int[rows * cols];
        int count = 0;
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                if (grid[r][c] != 1 || seen[r][c]) {
                    continue;
                }
                count++;
                seen[r][c] = true;
                int top = 0;
                stack[top++] = r * cols + c;
                while (top > 0) {
                    int cell = stack[--top];
                    int y = cell / cols, x = cell % cols;
                    for (int d = 0; d < 4; d++) {
                        int ny = y + dr[d], nx = x + dc[d];
                        if (ny >= 0 && ny < rows && nx >= 0 && nx < cols
                                && grid[ny][nx] == 1 && !seen[ny][nx]) {
                            seen[ny][nx] = true;
                            stack[top++] = ny * cols + nx;
                        }
                    }
                }
            }
        }
        return count;
    }
}
