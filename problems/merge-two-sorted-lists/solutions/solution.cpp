ListNode* mergeTwoLists(ListNode* list1, ListNode* list2) {
    ListNode* head = nullptr;
    ListNode** tail = &head;
    while (list1 && list2) {
        ListNode*& smaller = list1->val <= list2->val ? list1 : list2;
        *tail = smaller;
        smaller = smaller->next;
        tail = &(*tail)->next;
    }
    *tail = list1 ? list1 : list2;
    return head;
}
