# @param {ListNode} head
# @return {ListNode}
def reverse_list(head)
  previous = nil
  while head
    following = head.next
    head.next = previous
    previous = head
    head = following
  end
  previous
end
