int trap(int* height, int heightSize) {
    int i = 0, j = heightSize - 1;
    int leftMax = 0, rightMax = 0, water = 0;
    while (i < j) {
        if (height[i] < height[j]) {
            if (height[i] > leftMax) leftMax = height[i];
            water += leftMax - height[i];
            i++;
        } else {
            if (height[j] > rightMax) rightMax = height[j];
            water += rightMax - height[j];
            j--;
        }
    }
    return water;
}
