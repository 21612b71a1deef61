class Solution {
    func groupAnagrams(_ strs: [String]) -> [[String]] {
        let groups = Dictionary(grouping: strs) { String(decoding: $0.utf8.sorted(), as: UTF8.self) }
        return Array(groups.values)
    }
}
