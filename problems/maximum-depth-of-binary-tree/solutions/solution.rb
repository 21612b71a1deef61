# @param {TreeNode} root
# @return {Integer}
def max_depth(root)
  depth = 0
  level = root ? [root] : []
  until level.empty?
    depth += 1
    level = level.flat_map { |node| [node.left, node.right] }.compact
  end
  depth
end
