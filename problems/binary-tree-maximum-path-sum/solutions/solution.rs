use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

fn max_path_sum(root: Option<Rc<RefCell<TreeNode>>>) -> i32 {
    // Pre-order lists every parent before its children, so walking it backwards computes
    // each node's gain after its children's without recursion (deep trees stay safe).
    let mut order = Vec::new();
    let mut stack: Vec<Rc<RefCell<TreeNode>>> = root.into_iter().collect();
    while let Some(node) = stack.pop() {
        {
            let n = node.borrow();
            stack.extend(n.left.clone());
            stack.extend(n.right.clone());
        }
        order.push(node);
    }

    let mut gain: HashMap<*const RefCell<TreeNode>, i32> = HashMap::with_capacity(order.len());
    let mut best = i32::MIN;
    for node in order.iter().rev() {
        let n = node.borrow();
        let child_gain = |child: &Option<Rc<RefCell<TreeNode>>>| {
            child.as_ref().map_or(0, |c| gain[&Rc::as_ptr(c)].max(0))
        };
        let (left, right) = (child_gain(&n.left), child_gain(&n.right));
        best = best.max(n.val + left + right);
        gain.insert(Rc::as_ptr(node), n.val + left.max(right));
    }
    best
}
