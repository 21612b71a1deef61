//! The generated programs and starters, checked as text: running them needs the runtimes of
//! the sandbox's image, which `tests/api` and `coderoom problems validate` use.

use super::{program, starter};
use crate::language::Language;
use crate::problems::types::Signature;

fn sig(text: &str) -> Signature {
    Signature::parse(text).expect("signature")
}

#[test]
fn ruby_starter_is_leetcodes_snake_case_method() {
    let two_sum = sig("twoSum(nums: int[], target: int) -> int[]");
    assert_eq!(
        starter(Language::Ruby, &two_sum, None),
        "# @param {Integer[]} nums\n# @param {Integer} target\n# @return {Integer[]}\ndef two_sum(nums, target)\n  # Write your solution here.\n  []\nend\n"
    );
    let reverse = sig("reverseString(s: char[]) -> void");
    let code = starter(Language::Ruby, &reverse, Some("s"));
    assert!(code.contains("# @param {Character[]} s\n# @return {Void}"), "{code}");
    assert!(code.contains("def reverse_string(s)\n"), "{code}");
    let merge = starter(Language::Ruby, &sig("mergeTwoLists(list1: list, list2: list) -> list"), None);
    assert!(merge.starts_with("# Definition for singly-linked list"), "{merge}");
    assert!(merge.contains("#   attr_accessor :val, :next\n") && merge.ends_with("  nil\nend\n"), "{merge}");
    let tree = starter(Language::Ruby, &sig("maxDepth(root: tree) -> int"), None);
    assert!(tree.contains("#   attr_accessor :val, :left, :right\n") && tree.contains("def max_depth(root)"), "{tree}");
}

#[test]
fn php_starter_is_leetcodes_solution_class() {
    let two_sum = sig("twoSum(nums: int[], target: int) -> int[]");
    assert_eq!(
        starter(Language::Php, &two_sum, None),
        "class Solution {\n\n    /**\n     * @param Integer[] $nums\n     * @param Integer $target\n     * @return Integer[]\n     */\n    function twoSum($nums, $target) {\n        // Write your solution here.\n        return [];\n    }\n}\n"
    );
    let reverse = starter(Language::Php, &sig("reverseString(s: char[]) -> void"), Some("s"));
    assert!(reverse.contains("@param String[] $s") && reverse.contains("function reverseString(&$s) {"), "{reverse}");
    let tree = starter(Language::Php, &sig("maxPathSum(root: tree) -> int"), None);
    assert!(tree.contains(" *     public $left = null;\n") && tree.contains("@param TreeNode $root"), "{tree}");
}

#[test]
fn ruby_program_loads_the_candidates_file_unchanged() {
    let code = "def two_sum(nums, target)\n  [0, 1]\nend\n";
    let files = program(Language::Ruby, &sig("twoSum(nums: int[], target: int) -> int[]"), None, code);
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["main.rb", "solution.rb"]);
    assert_eq!(files[1].1, code);
    let main = &files[0].1;
    for constant in ["NAME = \"two_sum\"", "CAMEL = \"twoSum\"", "PARAMS = [\"int[]\", \"int\"]", "MUTATED = nil"] {
        assert!(main.contains(constant), "{constant} in {main}");
    }
    let reverse = program(Language::Ruby, &sig("reverseString(s: char[]) -> void"), Some("s"), "");
    assert!(reverse[0].1.contains("ANSWER = \"char[]\"\n  MUTATED = 0\n"), "{}", reverse[0].1);
}

#[test]
fn php_program_adds_the_opening_tag_on_the_first_line() {
    let two_sum = sig("twoSum(nums: int[], target: int) -> int[]");
    let code = "class Solution {\n    function twoSum($nums, $target) { return [0, 1]; }\n}\n";
    let files = program(Language::Php, &two_sum, None, code);
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["main.php", "solution.php"]);
    assert_eq!(files[1].1, format!("<?php {code}"));
    assert_eq!(files[1].1.lines().count(), code.lines().count(), "line numbers are kept");
    let tagged = format!("<?php\n{code}");
    assert_eq!(program(Language::Php, &two_sum, None, &tagged)[1].1, tagged);
    let main = &files[0].1;
    assert!(main.starts_with("<?php\nfinal class CoderoomDriver\n{\n    const NAME = \"twoSum\";\n"), "{main}");
    assert!(main.contains("const MUTATED = null;") && main.contains("const RESULTS_FD = 3;"), "{main}");
}

#[test]
fn csharp_starter_is_leetcodes_pascal_case_method() {
    let two_sum = sig("twoSum(nums: int[], target: int) -> int[]");
    assert_eq!(
        starter(Language::CSharp, &two_sum, None),
        "public class Solution {\n    public int[] TwoSum(int[] nums, int target) {\n        // Write your solution here.\n        return new int[0];\n    }\n}\n"
    );
    let groups = starter(Language::CSharp, &sig("groupAnagrams(strs: string[]) -> string[][]"), None);
    assert!(
        groups.contains("public string[][] GroupAnagrams(string[] strs)") && groups.contains("return new string[0][];")
    );
    let reverse = starter(Language::CSharp, &sig("reverseString(s: char[]) -> void"), Some("s"));
    assert!(
        reverse.contains("public void ReverseString(char[] s) {\n        // Modify s in place.\n    }"),
        "{reverse}"
    );
    let tree = starter(Language::CSharp, &sig("maxDepth(root: tree) -> int"), None);
    assert!(tree.starts_with("// TreeNode is provided: public class TreeNode {"), "{tree}");
}

#[test]
fn csharp_program_puts_the_usings_on_the_candidates_first_line() {
    let code = "public class Solution {\n    public int[] TwoSum(int[] nums, int target) => new[] { 0, 1 };\n}\n";
    let files = program(Language::CSharp, &sig("twoSum(nums: int[], target: int) -> int[]"), None, code);
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["Main.cs", "Solution.cs"]);
    assert!(files[1].1.starts_with("using System; using System.Collections.Generic; using System.Linq;"));
    assert_eq!(files[1].1.lines().count(), code.lines().count(), "line numbers are kept");
    let main = &files[0].1;
    assert!(main.contains("int[] r = new Solution().TwoSum(a0, a1);") && main.contains("static int[] RIntArr()"));
    assert!(main.contains("\"/proc/self/fd/3\""), "{main}");
}

#[test]
fn swift_starter_has_unlabelled_and_inout_parameters() {
    let two_sum = sig("twoSum(nums: int[], target: int) -> int[]");
    assert_eq!(
        starter(Language::Swift, &two_sum, None),
        "class Solution {\n    func twoSum(_ nums: [Int], _ target: Int) -> [Int] {\n        // Write your solution here.\n        return []\n    }\n}\n"
    );
    let reverse = starter(Language::Swift, &sig("reverseString(s: char[]) -> void"), Some("s"));
    assert!(
        reverse.contains("func reverseString(_ s: inout [Character]) {\n        // Modify s in place.\n    }"),
        "{reverse}"
    );
    let merge = starter(Language::Swift, &sig("mergeTwoLists(list1: list, list2: list) -> list"), None);
    assert!(merge.contains("-> ListNode? {") && merge.contains("return nil"), "{merge}");
}

#[test]
fn swift_program_keeps_the_candidates_file_and_writes_nested_arrays() {
    let code = "class Solution {\n    func levelOrder(_ root: TreeNode?) -> [[Int]] { [] }\n}\n";
    let files = program(Language::Swift, &sig("levelOrder(root: tree) -> int[][]"), None, code);
    let names: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).collect();
    assert_eq!(names, ["main.swift", "Solution.swift"]);
    assert_eq!(files[1].1, code);
    let main = &files[0].1;
    assert!(main.contains("let a0: TreeNode? = crTree()"), "{main}");
    assert!(main.contains("crWA(&v, r) { b0, x0 in crWA(&b0, x0) { b1, x1 in crW(&b1, x1) } }"), "{main}");
    assert!(main.contains("write(3, "), "{main}");
    let reverse = program(Language::Swift, &sig("reverseString(s: char[]) -> void"), Some("s"), "");
    assert!(
        reverse[0].1.contains("var a0: [Character] = crArr { crChar() }")
            && reverse[0].1.contains("_ = solution.reverseString(&a0)")
    );
}
