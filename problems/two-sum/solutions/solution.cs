public class Solution {
    public int[] TwoSum(int[] nums, int target) {
        var seen = new Dictionary<int, int>();
        for (int i = 0; i < nums.Length; i++) {
            int j;
            // |target - nums[i]| <= 2 * 10^9, which still fits in an int.
            if (seen.TryGetValue(target - nums[i], out j)) {
                return new[] { j, i };
            }
            seen[nums[i]] = i;
        }
        return new int[0];
    }
}
