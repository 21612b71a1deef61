class Solution {

    /**
     * @param ListNode $head
     * @return ListNode
     */
    function reverseList($head) {
        $previous = null;
        while ($head !== null) {
            $next = $head->next;
            $head->next = $previous;
            $previous = $head;
            $head = $next;
        }
        return $previous;
    }
}
