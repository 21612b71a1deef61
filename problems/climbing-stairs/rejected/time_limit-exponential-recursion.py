# Correct, but plain recursion recomputes the same subproblems: exponential time for n around 40 and up.
def climbStairs(n: int) -> int:
    if n <= 2:
        return n
    return climbStairs(n - 1) + climbStairs(n - 2)
