package main

func climbStairs(n int) int64 {
	var a, b int64 = 1, 1
	for i := 0; i < n; i++ {
		a, b = b, a+b
	}
	return a
}
