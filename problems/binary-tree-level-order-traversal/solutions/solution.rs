use std::cell::RefCell;
use std::rc::Rc;

fn level_order(root: Option<Rc<RefCell<TreeNode>>>) -> Vec<Vec<i32>> {
    let mut result = Vec::new();
    let mut level: Vec<Rc<RefCell<TreeNode>>> = root.into_iter().collect();
    while !level.is_empty() {
        let mut values = Vec::with_capacity(level.len());
        let mut next = Vec::new();
        for node in &level {
            let node = node.borrow();
            values.push(node.val);
            next.extend(node.left.clone());
            next.extend(node.right.clone());
        }
        result.push(values);
        level = next;
    }
    result
}
