int numIslands(int** grid, int gridSize, int* gridColSize) {
    int rows = gridSize;
    int cols = rows > 0 ? gridColSize[0] : 0;
    if (rows == 0 || cols == 0) return 0;

    char* seen = calloc((size_t) rows * cols, 1);
    int* stack = malloc(sizeof *stack * (size_t) rows * cols);
    static const int dr[4] = {1, -1, 0, 0};
    static const int dc[4] = {0, 0, 1, -1};
    int count = 0;

    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
            if (grid[r][c] != 1 || seen[r * cols + c]) continue;
            count++;
            int top = 0;
            seen[r * cols + c] = 1;
            stack[top++] = r * cols + c;
            while (top > 0) {
                int cell = stack[--top];
                int y = cell / cols, x = cell % cols;
                for (int d = 0; d < 4; d++) {
                    int ny = y + dr[d], nx = x + dc[d];
                    if (ny < 0 || ny >= rows || nx < 0 || nx >= cols) continue;
                    if (grid[ny][nx] != 1 || seen[ny * cols + nx]) continue;
                    seen[ny * cols + nx] = 1;
                    stack[top++] = ny * cols + nx;
                }
            }
        }
    }

    free(stack);
    free(seen);
    return count;
}
