int numIslands(vector<vector<int>>& grid) {
    int rows = (int) grid.size();
    int cols = rows > 0 ? (int) grid[0].size() : 0;
    vector<vector<bool>> seen(rows, vector<bool>(cols, false));
    const int dr[4] = {1, -1, 0, 0};
    const int dc[4] = {0, 0, 1, -1};
    int count = 0;
    vector<pair<int, int>> stack;

    for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
            if (grid[r][c] != 1 || seen[r][c]) continue;
            count++;
            seen[r][c] = true;
            stack.emplace_back(r, c);
            while (!stack.empty()) {
                auto [y, x] = stack.back();
                stack.pop_back();
                for (int d = 0; d < 4; d++) {
                    int ny = y + dr[d], nx = x + dc[d];
                    if (ny < 0 || ny >= rows || nx < 0 || nx >= cols) continue;
                    if (grid[ny][nx] != 1 || seen[ny][nx]) continue;
                    seen[ny][nx] = true;
                    stack.emplace_back(ny, nx);
                }
            }
        }
    }
    return count;
}
