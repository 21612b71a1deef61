function numIslands(grid: number[][]): number {
    const rows = grid.length;
    const cols = grid[0].length;
    const directions = [[1, 0], [-1, 0], [0, 1], [0, -1]];
    let count = 0;
    for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
            if (grid[r][c] !== 1) continue;
            count++;
            grid[r][c] = 0;
            const stack: [number, number][] = [[r, c]];
            while (stack.length > 0) {
                const [y, x] = stack.pop()!;
                for (const [dy, dx] of directions) {
                    const ny = y + dy;
                    const nx = x + dx;
                    if (ny >= 0 && ny < rows && nx >= 0 && nx < cols && grid[ny][nx] === 1) {
                        grid[ny][nx] = 0;
                        stack.push([ny, nx]);
                    }
                }
            }
        }
    }
    return count;
}
