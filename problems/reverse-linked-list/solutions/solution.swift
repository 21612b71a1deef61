class Solution {
    func reverseList(_ head: ListNode?) -> ListNode? {
        var previous: ListNode? = nil
        var current = head
        while let node = current {
            current = node.next
            node.next = previous
            previous = node
        }
        return previous
    }
}
