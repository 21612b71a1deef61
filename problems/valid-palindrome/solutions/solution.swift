class Solution {
    func isPalindrome(_ s: String) -> Bool {
        // Keep the ASCII letters and digits, lowercased.
        let kept = s.utf8.compactMap { c -> UInt8? in
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): return c | 0x20
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): return c
            default: return nil
            }
        }
        return kept.elementsEqual(kept.reversed())
    }
}
