# Seeds the loop with the answers for 1 and 2 steps and returns the second, so n = 1 gives 2.
def climbStairs(n: int) -> int:
    one, two = 1, 2
    for _ in range(n - 2):
        one, two = two, one + two
    return two
