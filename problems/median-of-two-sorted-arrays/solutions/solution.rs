fn find_median_sorted_arrays(nums1: Vec<i32>, nums2: Vec<i32>) -> f64 {
    let (a, b) = if nums1.len() <= nums2.len() { (nums1, nums2) } else { (nums2, nums1) };
    let (m, n) = (a.len(), b.len());
    let half = (m + n + 1) / 2;
    let (mut low, mut high) = (0, m);
    loop {
        let i = (low + high) / 2;
        let j = half - i;
        let a_left = if i > 0 { a[i - 1] } else { i32::MIN };
        let a_right = if i < m { a[i] } else { i32::MAX };
        let b_left = if j > 0 { b[j - 1] } else { i32::MIN };
        let b_right = if j < n { b[j] } else { i32::MAX };
        if a_left > b_right {
            high = i - 1;
        } else if b_left > a_right {
            low = i + 1;
        } else {
            let left = a_left.max(b_left) as f64;
            if (m + n) % 2 == 1 {
                return left;
            }
            let right = a_right.min(b_right) as f64;
            return (left + right) / 2.0;
        }
    }
}
