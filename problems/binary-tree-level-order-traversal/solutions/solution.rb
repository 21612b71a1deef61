# @param {TreeNode} root
# @return {Integer[][]}
def level_order(root)
  levels = []
  level = root ? [root] : []
  until level.empty?
    levels << level.map(&:val)
    level = level.flat_map { |node| [node.left, node.right] }.compact
  end
  levels
end
