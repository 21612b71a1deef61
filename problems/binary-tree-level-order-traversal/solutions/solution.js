function levelOrder(root) {
    const result = [];
    let level = root ? [root] : [];
    while (level.length) {
        result.push(level.map((n) => n.val));
        level = level.flatMap((n) => [n.left, n.right]).filter(Boolean);
    }
    return result;
}
