class Solution {
    func longestCommonPrefix(_ strs: [String]) -> String {
        let first = Array(strs[0].utf8)
        var length = first.count
        for s in strs.dropFirst() {
            length = zip(first[..<length], s.utf8).prefix { $0 == $1 }.count
        }
        return String(decoding: first[..<length], as: UTF8.self)
    }
}
