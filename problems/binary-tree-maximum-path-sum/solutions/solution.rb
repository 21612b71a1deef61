# @param {TreeNode} root
# @return {Integer}
def max_path_sum(root)
  # Iterative post-order: a degenerate tree is thousands of levels deep.
  best = root.val
  gain = { nil => 0 }
  gain.compare_by_identity
  stack = [[root, false]]
  until stack.empty?
    node, done = stack.pop
    next if node.nil?

    if done
      left = [gain[node.left], 0].max
      right = [gain[node.right], 0].max
      best = [best, node.val + left + right].max
      gain[node] = node.val + [left, right].max
    else
      stack.push([node, true], [node.right, false], [node.left, false])
    end
  end
  best
end
