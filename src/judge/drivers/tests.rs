//! The generated programs and starters, checked as text: running them needs the runtimes of
//! the sandbox's image, which `tests/api` and `coderoom problems validate` use.

use super::{program, starter};
use crate::judge::Language;
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
