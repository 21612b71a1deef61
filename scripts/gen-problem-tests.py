#!/usr/bin/env python3
"""Writes problems/<slug>/tests.json for the built-in library.

Visible tests and hand-picked edge cases are listed here; large cases are generated from a
fixed seed, so the output is reproducible (re-run and `git diff` shows nothing). Expected
answers come from the problem's reference solution (solutions/solution.py), and for small
inputs are cross-checked against a brute force written here.

    python3 scripts/gen-problem-tests.py            # all problems
    python3 scripts/gen-problem-tests.py two-sum    # some
"""

import importlib.util
import itertools
import json
import random
import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "problems"


# The reference solutions run with what candidates' code finds in the judge's Python driver.
_nodes = runpy.run_path(str(ROOT.parent / "src" / "judge" / "drivers" / "python_nodes.py"))
_nodes["provide_typing_names"]()
TreeNode, to_list, to_tree = _nodes["TreeNode"], _nodes["to_list"], _nodes["to_tree"]
from_list, from_tree = _nodes["from_list"], _nodes["from_tree"]


def random_tree(rng, n, low=-1000, high=1000, chain=False):
    """Level-order values of a random tree with n nodes (a right-leaning chain when asked)."""
    if n == 0:
        return []
    if chain:
        values = [rng.randint(low, high)]
        for _ in range(n - 1):
            values += [None, rng.randint(low, high)]
        return values
    # Random shape: attach each new node to a random free child slot.
    nodes = [rng.randint(low, high) for _ in range(n)]
    root = TreeNode(nodes[0])
    free = [(root, "left"), (root, "right")]
    for v in nodes[1:]:
        index = rng.randrange(len(free))
        parent, side = free[index]
        free[index] = free[-1]
        free.pop()
        child = TreeNode(v)
        setattr(parent, side, child)
        free += [(child, "left"), (child, "right")]
    return from_tree(root)


def load_solution(slug):
    path = ROOT / slug / "solutions" / "solution.py"
    spec = importlib.util.spec_from_file_location(f"solution_{slug.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Each problem: function name, how to call it, optional brute force, and its cases as
# (input dict, explanation or None) in three groups.

def two_sum_cases(rng):
    visible = [
        ({"nums": [2, 7, 11, 15], "target": 9}, "Because nums[0] + nums[1] == 9, we return [0, 1]."),
        ({"nums": [3, 2, 4], "target": 6}, None),
        ({"nums": [3, 3], "target": 6}, None),
    ]
    hidden = [
        {"nums": [1, 2], "target": 3},
        {"nums": [-1, -2, -3, -4, -5], "target": -8},
        {"nums": [0, 4, 3, 0], "target": 0},
        {"nums": [-10, 7, 19, 15], "target": 9},
        {"nums": [1000000000, -1000000000, 5], "target": 0},
        {"nums": [5, 75, 25], "target": 100},
        {"nums": [1, 5, 1, 5], "target": 10},
        {"nums": [230, 863, 916, 585, 981, 404, 316, 785, 88, 12, 70, 435, 384, 778, 887, 755, 740, 337, 86, 92, 325, 422, 815, 650, 920, 125, 277, 336, 221, 847, 168, 23, 677, 61, 400, 136, 874, 363, 394, 199, 863, 997, 794, 587, 124, 321, 212, 957, 764, 173, 314, 422, 927, 783, 930, 282, 306, 506, 44, 926, 691, 568, 68, 730, 933, 737, 531, 180, 414, 751, 28, 546, 60, 371, 493, 370, 527, 387, 43, 541, 13, 457, 328, 227, 652, 365, 430, 803, 59, 858, 538, 427, 583, 368, 375, 173, 809, 896, 370, 789], "target": 542},
    ]
    for n in (2000, 100000, 100000):
        # Distinct values with exactly one pair summing to the target, placed far apart.
        values = rng.sample(range(-10**9, 10**9, 2), n)  # all even
        i, j = rng.randrange(n // 2), n - 1 - rng.randrange(10)
        values[j] = values[j] + 1  # the only odd value besides the partner below
        target = values[i] + values[j]
        values[i] = values[i]
        hidden.append({"nums": values, "target": target})
    hidden.append({"nums": [3] + list(range(10, 199990, 2)) + [4], "target": 7})
    return visible, hidden


def two_sum_brute(nums, target):
    for i, j in itertools.combinations(range(len(nums)), 2):
        if nums[i] + nums[j] == target:
            return [i, j]


def chars(text):
    return list(text)


def reverse_string_cases(rng):
    visible = [
        ({"s": chars("hello")}, None),
        ({"s": chars("Hannah")}, None),
    ]
    hidden = [
        {"s": chars("a")},
        {"s": chars("ab")},
        {"s": chars("abc")},
        {"s": chars("A man, a plan")},
        {"s": chars("  ")},
        {"s": chars("\"'\\")},
        {"s": chars("racecar")},
        {"s": chars("0123456789")},
        {"s": [chr(rng.randint(33, 126)) for _ in range(1000)]},
        {"s": [chr(rng.randint(32, 126)) for _ in range(8000)]},
    ]
    return visible, hidden


def palindrome_text(rng, n, alphabet="abcdefghijklmnopqrstuvwxyz0123456789 ,.:;!?'-ABCDEFGHIJKLMNOPQRSTUVWXYZ"):
    half = [rng.choice(alphabet) for _ in range(n // 2)]
    return "".join(half + half[::-1])


def valid_palindrome_cases(rng):
    visible = [
        ({"s": "A man, a plan, a canal: Panama"}, "\"amanaplanacanalpanama\" is a palindrome."),
        ({"s": "race a car"}, "\"raceacar\" is not a palindrome."),
        ({"s": " "}, "After removing non-alphanumeric characters, s is empty, which reads the same both ways."),
    ]
    big = palindrome_text(rng, 200000)
    hidden = [
        {"s": "a"},
        {"s": "ab"},
        {"s": "0P"},
        {"s": "Aa"},
        {"s": ".,"},
        {"s": "No 'x' in Nixon"},
        {"s": "Was it a car or a cat I saw?"},
        {"s": "abcdba"},
        {"s": "1a2"},
        {"s": "a.b,.a"},
        {"s": big},
        {"s": big[:100000] + "x" + big[100000:] + "y"},
    ]
    return visible, hidden


def max_subarray_cases(rng):
    visible = [
        ({"nums": [-2, 1, -3, 4, -1, 2, 1, -5, 4]}, "The subarray [4,-1,2,1] has the largest sum 6."),
        ({"nums": [1]}, "The subarray [1] has the largest sum 1."),
        ({"nums": [5, 4, -1, 7, 8]}, "The subarray [5,4,-1,7,8] has the largest sum 23."),
    ]
    hidden = [
        {"nums": [-1]},
        {"nums": [-3, -2, -5]},
        {"nums": [0, 0, 0]},
        {"nums": [-2, -1]},
        {"nums": [1, -1, 1]},
        {"nums": [10000, -10000, 10000]},
        {"nums": [-10000] * 50},
        {"nums": [rng.randint(-100, 100) for _ in range(500)]},
        {"nums": [rng.randint(-10000, 10000) for _ in range(100000)]},
        {"nums": [rng.randint(-10000, 9000) for _ in range(100000)]},
        {"nums": [-10000] * 99999 + [-9999]},
    ]
    return visible, hidden


def max_subarray_brute(nums):
    return max(sum(nums[i:j + 1]) for i in range(len(nums)) for j in range(i, len(nums)))


def container_cases(rng):
    visible = [
        ({"height": [1, 8, 6, 2, 5, 4, 8, 3, 7]}, "The lines at indices 1 and 8 hold min(8, 7) * 7 = 49 units of water."),
        ({"height": [1, 1]}, None),
    ]
    hidden = [
        {"height": [0, 0]},
        {"height": [4, 3, 2, 1, 4]},
        {"height": [1, 2, 1]},
        {"height": [2, 3, 4, 5, 18, 17, 6]},
        {"height": [1, 2, 4, 3]},
        {"height": [10000, 1, 10000]},
        {"height": list(range(1, 1001))},
        {"height": [rng.randint(0, 10000) for _ in range(300)]},
        {"height": [rng.randint(0, 10000) for _ in range(100000)]},
        {"height": [min(10000, 100000 - i) for i in range(100000)]},
        {"height": [1] * 100000},
    ]
    return visible, hidden


def container_brute(height):
    return max((j - i) * min(height[i], height[j]) for i in range(len(height)) for j in range(i + 1, len(height)))


def climbing_cases(rng):
    visible = [
        ({"n": 2}, "There are two ways: 1 + 1 and 2."),
        ({"n": 3}, "There are three ways: 1 + 1 + 1, 1 + 2 and 2 + 1."),
    ]
    hidden = [{"n": n} for n in (1, 4, 5, 10, 20, 35, 44, 45, 60, 70)]
    return visible, hidden


def climbing_brute(n):
    return 1 if n <= 1 else climbing_brute(n - 1) + climbing_brute(n - 2)


def lcp_cases(rng):
    visible = [
        ({"strs": ["flower", "flow", "flight"]}, None),
        ({"strs": ["dog", "racecar", "car"]}, "There is no common prefix among the input strings."),
    ]
    long_prefix = "".join(rng.choice("ab") for _ in range(150))
    hidden = [
        {"strs": ["a"]},
        {"strs": [""]},
        {"strs": ["", "b"]},
        {"strs": ["ab", "a"]},
        {"strs": ["same", "same", "same"]},
        {"strs": ["interspecies", "interstellar", "interstate"]},
        {"strs": ["throne", "dungeon"]},
        {"strs": ["prefix", "pre", "prefixes", "p"]},
        {"strs": [long_prefix + "".join(rng.choice("xyz") for _ in range(50)) for _ in range(200)]},
        {"strs": ["c", "acc", "ccc"]},
    ]
    return visible, hidden


def reverse_list_cases(rng):
    visible = [
        ({"head": [1, 2, 3, 4, 5]}, None),
        ({"head": [1, 2]}, None),
        ({"head": []}, None),
    ]
    hidden = [
        {"head": [1]},
        {"head": [0, 0]},
        {"head": [-5000, 5000]},
        {"head": [3, 1, 2]},
        {"head": list(range(10))},
        {"head": [7] * 20},
        {"head": [rng.randint(-5000, 5000) for _ in range(100)]},
        {"head": [rng.randint(-5000, 5000) for _ in range(1000)]},
        {"head": [rng.randint(-5000, 5000) for _ in range(5000)]},
        {"head": list(range(2000, 0, -1))},
    ]
    return visible, hidden


def merge_lists_cases(rng):
    visible = [
        ({"list1": [1, 2, 4], "list2": [1, 3, 4]}, None),
        ({"list1": [], "list2": []}, None),
        ({"list1": [], "list2": [0]}, None),
    ]
    sorted_list = lambda n: sorted(rng.randint(-100, 100) for _ in range(n))
    hidden = [
        {"list1": [1], "list2": []},
        {"list1": [2], "list2": [1]},
        {"list1": [1, 1, 1], "list2": [1, 1]},
        {"list1": [-100, 0, 100], "list2": [-50, 50]},
        {"list1": [1, 2, 3], "list2": [4, 5, 6]},
        {"list1": [4, 5, 6], "list2": [1, 2, 3]},
        {"list1": [5], "list2": [1, 2, 4, 8]},
        {"list1": sorted_list(50), "list2": sorted_list(50)},
        {"list1": sorted_list(17), "list2": sorted_list(33)},
        {"list1": sorted_list(0), "list2": sorted_list(50)},
    ]
    return visible, hidden


def max_depth_cases(rng):
    visible = [
        ({"root": [3, 9, 20, None, None, 15, 7]}, None),
        ({"root": [1, None, 2]}, None),
    ]
    hidden = [
        {"root": []},
        {"root": [0]},
        {"root": [1, 2]},
        {"root": [1, 2, 3, 4, None, None, 5]},
        {"root": [1, 2, None, 3, None, 4, None, 5]},
        {"root": random_tree(rng, 100, -100, 100)},
        {"root": random_tree(rng, 1000, -100, 100)},
        {"root": random_tree(rng, 10000, -100, 100)},
        {"root": random_tree(rng, 1000, -100, 100, chain=True)},
        {"root": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]},
    ]
    return visible, hidden


def level_order_cases(rng):
    visible = [
        ({"root": [3, 9, 20, None, None, 15, 7]}, None),
        ({"root": [1]}, None),
        ({"root": []}, None),
    ]
    hidden = [
        {"root": [1, 2]},
        {"root": [1, None, 2]},
        {"root": [1, 2, 3, 4, None, None, 5]},
        {"root": [0, -1, 1]},
        {"root": [1, 2, 3, 4, 5, 6, 7]},
        {"root": random_tree(rng, 20, -1000, 1000)},
        {"root": random_tree(rng, 200, -1000, 1000)},
        {"root": random_tree(rng, 2000, -1000, 1000)},
        {"root": random_tree(rng, 500, -1000, 1000, chain=True)},
        {"root": [5, 4, 8, 11, None, 13, 4, 7, 2, None, None, 5, 1]},
    ]
    return visible, hidden


def longest_substring_cases(rng):
    visible = [
        ({"s": "abcabcbb"}, "The answer is \"abc\", with the length of 3."),
        ({"s": "bbbbb"}, "The answer is \"b\", with the length of 1."),
        ({"s": "pwwkew"}, "The answer is \"wke\", with the length of 3. \"pwke\" is a subsequence, not a substring."),
    ]
    printable = [chr(c) for c in range(32, 127)]
    hidden = [
        {"s": ""},
        {"s": " "},
        {"s": "au"},
        {"s": "dvdf"},
        {"s": "abba"},
        {"s": "tmmzuxt"},
        {"s": "a b c!a"},
        {"s": "".join(printable)},
        {"s": "".join(rng.choice("abcdefghij") for _ in range(1000))},
        {"s": "".join(rng.choice(printable) for _ in range(100000))},
        {"s": "".join(printable) * 1000},
    ]
    return visible, hidden


def group_anagrams_cases(rng):
    visible = [
        ({"strs": ["eat", "tea", "tan", "ate", "nat", "bat"]}, None),
        ({"strs": [""]}, None),
        ({"strs": ["a"]}, None),
    ]
    words = ["".join(rng.choice("abcde") for _ in range(rng.randint(1, 5))) for _ in range(2000)]
    hidden = [
        {"strs": ["", ""]},
        {"strs": ["ab", "ba", "ab"]},
        {"strs": ["abc", "def"]},
        {"strs": ["listen", "silent", "enlist", "google", "gooegl"]},
        {"strs": ["a", "b", "a"]},
        {"strs": ["ddddddddddg", "dgggggggggg"]},
        {"strs": ["tin", "ram", "zip", "cry", "pus", "jon", "zip", "pyx"]},
        {"strs": ["bdddddddddd", "bbbbbbbbbbc"]},
        {"strs": words[:100]},
        {"strs": words},
    ]
    return visible, hidden


def islands_cases(rng):
    visible = [
        ({"grid": [[1, 1, 1, 1, 0], [1, 1, 0, 1, 0], [1, 1, 0, 0, 0], [0, 0, 0, 0, 0]]}, None),
        ({"grid": [[1, 1, 0, 0, 0], [1, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 1]]}, None),
    ]
    rand_grid = lambda r, c, p: [[1 if rng.random() < p else 0 for _ in range(c)] for _ in range(r)]
    hidden = [
        {"grid": [[0]]},
        {"grid": [[1]]},
        {"grid": [[1, 0, 1, 0, 1]]},
        {"grid": [[1], [0], [1]]},
        {"grid": [[1, 1], [1, 1]]},
        {"grid": [[1, 0], [0, 1]]},
        {"grid": rand_grid(10, 10, 0.4)},
        {"grid": rand_grid(50, 80, 0.5)},
        {"grid": rand_grid(200, 200, 0.45)},
        {"grid": [[1] * 200 for _ in range(200)]},
        {"grid": [[(r + c) % 2 for c in range(150)] for r in range(150)]},
    ]
    return visible, hidden


def median_cases(rng):
    visible = [
        ({"nums1": [1, 3], "nums2": [2]}, "merged array = [1,2,3] and median is 2."),
        ({"nums1": [1, 2], "nums2": [3, 4]}, "merged array = [1,2,3,4] and median is (2 + 3) / 2 = 2.5."),
    ]
    sorted_list = lambda n: sorted(rng.randint(-10**6, 10**6) for _ in range(n))
    hidden = [
        {"nums1": [], "nums2": [1]},
        {"nums1": [2], "nums2": []},
        {"nums1": [0, 0], "nums2": [0, 0]},
        {"nums1": [1], "nums2": [1]},
        {"nums1": [1, 2, 3, 4, 5], "nums2": [6, 7, 8, 9, 10]},
        {"nums1": [-5, 3, 6, 12, 15], "nums2": [-12, -10, -6, -3, 4, 10]},
        {"nums1": [1000000], "nums2": [-1000000]},
        {"nums1": sorted_list(1), "nums2": sorted_list(1000)},
        {"nums1": sorted_list(1000), "nums2": sorted_list(999)},
        {"nums1": sorted_list(100000), "nums2": sorted_list(100000)},
    ]
    return visible, hidden


def median_brute(nums1, nums2):
    merged = sorted(nums1 + nums2)
    n = len(merged)
    return float(merged[n // 2]) if n % 2 else (merged[n // 2 - 1] + merged[n // 2]) / 2


def trap_cases(rng):
    visible = [
        ({"height": [0, 1, 0, 2, 1, 0, 1, 3, 2, 1, 2, 1]}, "6 units of rain water are trapped between the bars."),
        ({"height": [4, 2, 0, 3, 2, 5]}, None),
    ]
    hidden = [
        {"height": [1]},
        {"height": [2, 0]},
        {"height": [2, 0, 2]},
        {"height": [5, 4, 3, 2, 1]},
        {"height": [1, 2, 3, 4, 5]},
        {"height": [0, 0, 0]},
        {"height": [5, 0, 0, 0, 0, 5]},
        {"height": [rng.randint(0, 100) for _ in range(500)]},
        {"height": [rng.randint(0, 10000) for _ in range(100000)]},
        {"height": [10000] + [0] * 99998 + [10000]},
        {"height": [abs(5000 - i % 10001) for i in range(100000)]},
    ]
    return visible, hidden


def trap_brute(height):
    return sum(max(0, min(max(height[:i + 1]), max(height[i:])) - height[i]) for i in range(len(height)))


def path_sum_cases(rng):
    visible = [
        ({"root": [1, 2, 3]}, "The optimal path is 2 -> 1 -> 3 with a path sum of 2 + 1 + 3 = 6."),
        ({"root": [-10, 9, 20, None, None, 15, 7]}, "The optimal path is 15 -> 20 -> 7 with a path sum of 15 + 20 + 7 = 42."),
    ]
    hidden = [
        {"root": [-3]},
        {"root": [2, -1]},
        {"root": [-2, 1]},
        {"root": [1, -2, 3]},
        {"root": [-1, -2, -3]},
        {"root": [5, 4, 8, 11, None, 13, 4, 7, 2, None, None, None, 1]},
        {"root": random_tree(rng, 100, -1000, 1000)},
        {"root": random_tree(rng, 3000, -1000, 1000)},
        {"root": random_tree(rng, 30000, -1000, 1000)},
        {"root": random_tree(rng, 2000, -1000, 1000, chain=True)},
        {"root": random_tree(rng, 1000, -1000, -1)},
    ]
    return visible, hidden


def path_sum_brute(values):
    # Every node pair's path, by parent links: fine for small trees.
    root = to_tree(values)
    parent, nodes, queue = {root: None}, [], [root]
    while queue:
        node = queue.pop()
        nodes.append(node)
        for child in (node.left, node.right):
            if child:
                parent[child] = node
                queue.append(child)

    def ancestors(node):
        out = []
        while node:
            out.append(node)
            node = parent[node]
        return out

    best = None
    for a in nodes:
        up_a = ancestors(a)
        for b in nodes:
            up_b = set(map(id, ancestors(b)))
            lca = next(n for n in up_a if id(n) in up_b)
            total, n = 0, a
            while n is not lca:
                total += n.val
                n = parent[n]
            n = b
            while n is not lca:
                total += n.val
                n = parent[n]
            total += lca.val
            best = total if best is None else max(best, total)
    return best


# slug: (function, cases, brute force or None, how inputs become arguments, how the answer becomes JSON)
IDENTITY = lambda x: x
PROBLEMS = {
    "two-sum": ("twoSum", two_sum_cases, two_sum_brute),
    "reverse-string": ("reverseString", reverse_string_cases, None),
    "valid-palindrome": ("isPalindrome", valid_palindrome_cases, None),
    "maximum-subarray": ("maxSubArray", max_subarray_cases, max_subarray_brute),
    "container-with-most-water": ("maxArea", container_cases, container_brute),
    "climbing-stairs": ("climbStairs", climbing_cases, None),
    "longest-common-prefix": ("longestCommonPrefix", lcp_cases, None),
    "reverse-linked-list": ("reverseList", reverse_list_cases, None),
    "merge-two-sorted-lists": ("mergeTwoLists", merge_lists_cases, None),
    "maximum-depth-of-binary-tree": ("maxDepth", max_depth_cases, None),
    "binary-tree-level-order-traversal": ("levelOrder", level_order_cases, None),
    "longest-substring-without-repeating-characters": ("lengthOfLongestSubstring", longest_substring_cases, None),
    "group-anagrams": ("groupAnagrams", group_anagrams_cases, None),
    "number-of-islands": ("numIslands", islands_cases, None),
    "median-of-two-sorted-arrays": ("findMedianSortedArrays", median_cases, median_brute),
    "trapping-rain-water": ("trap", trap_cases, trap_brute),
    "binary-tree-maximum-path-sum": ("maxPathSum", path_sum_cases, path_sum_brute),
}

LIST_PARAMS = {"head", "list1", "list2"}
TREE_PARAMS = {"root"}
LIST_RESULTS = {"reverse-linked-list", "merge-two-sorted-lists"}


def expected(slug, function, inputs):
    args = {}
    for key, value in inputs.items():
        if key in LIST_PARAMS:
            args[key] = to_list(value)
        elif key in TREE_PARAMS:
            args[key] = to_tree(value)
        else:
            args[key] = json.loads(json.dumps(value))  # a private copy: solutions may mutate it
    result = function(**args)
    if slug == "reverse-string":
        return args["s"]
    if slug in LIST_RESULTS:
        return from_list(result)
    return result


def small(inputs):
    return len(json.dumps(inputs)) < 400


def tests_json(visible, hidden):
    line = lambda t: "    " + json.dumps(t, separators=(",", ":"), ensure_ascii=False)
    group = lambda ts: "[\n" + ",\n".join(line(t) for t in ts) + "\n  ]" if ts else "[]"
    return '{\n  "visible": ' + group(visible) + ',\n  "hidden": ' + group(hidden) + "\n}\n"


def main():
    sys.setrecursionlimit(100000)
    wanted = sys.argv[1:] or list(PROBLEMS)
    for slug in wanted:
        name, cases, brute = PROBLEMS[slug]
        rng = random.Random(f"coderoom:{slug}")
        function = getattr(load_solution(slug), name)
        visible_cases, hidden_cases = cases(rng)
        visible, hidden = [], []
        for inputs, explanation in visible_cases:
            test = {"input": inputs, "expected": expected(slug, function, inputs)}
            if explanation:
                test["explanation"] = explanation
            visible.append(test)
        for inputs in hidden_cases:
            hidden.append({"input": inputs, "expected": expected(slug, function, inputs)})
        if brute:
            for test in visible + hidden:
                if small(test["input"]):
                    want = brute(*test["input"].values()) if slug != "binary-tree-maximum-path-sum" else brute(test["input"]["root"])
                    got = test["expected"]
                    same = sorted(got) == sorted(want) if isinstance(got, list) else abs(got - want) < 1e-9
                    assert same, f"{slug}: reference {got} != brute force {want} for {test['input']}"
        (ROOT / slug / "tests.json").write_text(tests_json(visible, hidden))
        print(f"{slug}: {len(visible)} visible, {len(hidden)} hidden")


if __name__ == "__main__":
    main()
