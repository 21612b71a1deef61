class Solution {

    /**
     * @param Integer[][] $grid
     * @return Integer
     */
    function numIslands($grid) {
        $rows = count($grid);
        $cols = $rows ? count($grid[0]) : 0;
        $count = 0;
        for ($r = 0; $r < $rows; $r++) {
            for ($c = 0; $c < $cols; $c++) {
                if ($grid[$r][$c] !== 1) continue;
                $count++;
                // Sink the island as it is explored: a visited cell is water.
                $grid[$r][$c] = 0;
                $stack = [[$r, $c]];
                while ($stack) {
                    [$y, $x] = array_pop($stack);
                    foreach ([[$y + 1, $x], [$y - 1, $x], [$y, $x + 1], [$y, $x - 1]] as [$ny, $nx]) {
                        if ($ny >= 0 && $ny < $rows && $nx >= 0 && $nx < $cols && $grid[$ny][$nx] === 1) {
                            $grid[$ny][$nx] = 0;
                            $stack[] = [$ny, $nx];
                        }
                    }
                }
            }
        }
        return $count;
    }
}
