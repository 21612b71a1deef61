public class Solution {
    public int MaxArea(int[] height) {
        int i = 0, j = height.Length - 1, best = 0;
        while (i < j) {
            best = Math.Max(best, (j - i) * Math.Min(height[i], height[j]));
            if (height[i] < height[j]) {
                i++;
            } else {
                j--;
            }
        }
        return best;
    }
}
