public class Solution {
    public string[][] GroupAnagrams(string[] strs) {
        var groups = new Dictionary<string, List<string>>();
        var order = new List<List<string>>();
        foreach (string s in strs) {
            char[] letters = s.ToCharArray();
            Array.Sort(letters);
            string key = new string(letters);
            List<string> group;
            if (!groups.TryGetValue(key, out group)) {
                group = new List<string>();
                groups[key] = group;
                order.Add(group);
            }
            group.Add(s);
        }
        return order.Select(g => g.ToArray()).ToArray();
    }
}
