fn num_islands(mut grid: Vec<Vec<i32>>) -> i32 {
    let rows = grid.len();
    let cols = grid[0].len();
    let mut count = 0;
    let mut stack = Vec::new();
    for r in 0..rows {
        for c in 0..cols {
            if grid[r][c] != 1 {
                continue;
            }
            count += 1;
            grid[r][c] = 0;
            stack.push((r, c));
            while let Some((y, x)) = stack.pop() {
                let neighbours = [
                    (y.wrapping_sub(1), x),
                    (y + 1, x),
                    (y, x.wrapping_sub(1)),
                    (y, x + 1),
                ];
                for (ny, nx) in neighbours {
                    if ny < rows && nx < cols && grid[ny][nx] == 1 {
                        grid[ny][nx] = 0;
                        stack.push((ny, nx));
                    }
                }
            }
        }
    }
    count
}
