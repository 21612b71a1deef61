int** levelOrder(struct TreeNode* root, int* returnSize, int** returnColumnSizes) {
    *returnSize = 0;
    *returnColumnSizes = NULL;
    if (!root) return NULL;

    int cap = 16, n = 0;
    struct TreeNode** queue = malloc(sizeof *queue * cap);
    queue[n++] = root;

    int rowsCap = 16;
    int** rows = malloc(sizeof *rows * rowsCap);
    int* cols = malloc(sizeof *cols * rowsCap);

    int head = 0;
    while (head < n) {
        int end = n;
        int width = end - head;
        if (*returnSize == rowsCap) {
            rowsCap *= 2;
            rows = realloc(rows, sizeof *rows * rowsCap);
            cols = realloc(cols, sizeof *cols * rowsCap);
        }
        int* row = malloc(sizeof *row * width);
        for (int k = 0; head < end; head++, k++) {
            struct TreeNode* node = queue[head];
            row[k] = node->val;
            struct TreeNode* children[2] = {node->left, node->right};
            for (int c = 0; c < 2; c++) {
                if (!children[c]) continue;
                if (n == cap) {
                    cap *= 2;
                    queue = realloc(queue, sizeof *queue * cap);
                }
                queue[n++] = children[c];
            }
        }
        rows[*returnSize] = row;
        cols[*returnSize] = width;
        (*returnSize)++;
    }

    free(queue);
    *returnColumnSizes = cols;
    return rows;
}
