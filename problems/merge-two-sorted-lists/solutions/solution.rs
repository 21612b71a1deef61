fn merge_two_lists(mut list1: Option<Box<ListNode>>, mut list2: Option<Box<ListNode>>) -> Option<Box<ListNode>> {
    let mut head = None;
    let mut tail = &mut head;
    while let (Some(a), Some(b)) = (&list1, &list2) {
        let source = if a.val <= b.val { &mut list1 } else { &mut list2 };
        let mut node = source.take().unwrap();
        *source = node.next.take();
        tail = &mut tail.insert(node).next;
    }
    *tail = list1.or(list2);
    head
}
