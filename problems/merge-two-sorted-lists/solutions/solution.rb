# @param {ListNode} list1
# @param {ListNode} list2
# @return {ListNode}
def merge_two_lists(list1, list2)
  dummy = tail = ListNode.new
  while list1 && list2
    if list1.val <= list2.val
      tail.next = list1
      list1 = list1.next
    else
      tail.next = list2
      list2 = list2.next
    end
    tail = tail.next
  end
  tail.next = list1 || list2
  dummy.next
end
