public class Solution {
    public int Trap(int[] height) {
        int i = 0, j = height.Length - 1;
        int leftMax = 0, rightMax = 0, water = 0;
        while (i < j) {
            if (height[i] < height[j]) {
                leftMax = Math.Max(leftMax, height[i]);
                water += leftMax - height[i];
                i++;
            } else {
                rightMax = Math.Max(rightMax, height[j]);
                water += rightMax - height[j];
                j--;
            }
        }
        return water;
    }
}
