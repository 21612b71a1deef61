typedef struct {
    int value;
    int index;
} Slot;

static size_t slotFor(long long value, size_t mask) {
    unsigned long long h = (unsigned long long) value * 0x9E3779B97F4A7C15ULL;
    return (size_t) (h >> 32) & mask;
}

int* twoSum(int* nums, int numsSize, int target, int* returnSize) {
    size_t capacity = 1;
    while (capacity < (size_t) numsSize * 2) capacity <<= 1;
    size_t mask = capacity - 1;
    Slot* table = malloc(sizeof *table * capacity);
    for (size_t k = 0; k < capacity; k++) table[k].index = -1;

    int* answer = NULL;
    *returnSize = 0;
    for (int i = 0; i < numsSize && !answer; i++) {
        long long need = (long long) target - nums[i];
        for (size_t k = slotFor(need, mask); table[k].index != -1; k = (k + 1) & mask) {
            if (table[k].value == need) {
                answer = malloc(sizeof *answer * 2);
                answer[0] = table[k].index;
                answer[1] = i;
                *returnSize = 2;
                break;
            }
        }
        size_t k = slotFor(nums[i], mask);
        while (table[k].index != -1) k = (k + 1) & mask;
        table[k].value = nums[i];
        table[k].index = i;
    }

    free(table);
    return answer;
}
