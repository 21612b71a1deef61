//! PHP: the candidate's code is its own file (`solution.php`, its `<?php` tag added on its
//! first line when missing, as LeetCode's editor shows none, so line numbers are kept) with a
//! `Solution` class as LeetCode writes it. The driver is one class, so a candidate's global
//! functions cannot collide with it; `ListNode` and `TreeNode` are declared after the
//! candidate's code is loaded, and only if it did not declare them itself (PHP refuses a
//! second declaration, and LeetCode's template shows them to copy).

use super::{CAPTURE_CAP, Call, EmptyValues, RESULTS_FD, quoted};
use crate::problems::types::Type;

/// The driver class's body after its constants (`NAME`, `PARAMS`, `ANSWER`, `MUTATED`, `CAP`,
/// `RESULTS_FD`): class constants, so the candidate's own global ones cannot clash.
const DRIVER: &str = r#"
    private static string $d = '';
    private static int $p = 0;
    private static string $captured = '';
    /** Where a fatal error found the driver: loading the code, in test N, or neither. */
    private static ?int $test = null;
    private static bool $loading = false;
    /** @var resource */
    private static $results;
    private static string $nonce = '';
    private static int $count = 0;

    private static function tok(): string
    {
        self::$p += strspn(self::$d, " \n", self::$p);
        $n = strcspn(self::$d, " \n", self::$p);
        $t = substr(self::$d, self::$p, $n);
        self::$p += $n;
        return $t;
    }

    /** UTF-8 of a code point (mbstring is not always there). */
    private static function chr(int $c): string
    {
        if ($c < 0x80) return chr($c);
        if ($c < 0x800) return chr(0xC0 | $c >> 6) . chr(0x80 | $c & 0x3F);
        if ($c < 0x10000) return chr(0xE0 | $c >> 12) . chr(0x80 | $c >> 6 & 0x3F) . chr(0x80 | $c & 0x3F);
        return chr(0xF0 | $c >> 18) . chr(0x80 | $c >> 12 & 0x3F) . chr(0x80 | $c >> 6 & 0x3F) . chr(0x80 | $c & 0x3F);
    }

    private static function read(string $t): mixed
    {
        if (str_ends_with($t, '[]')) {
            $inner = substr($t, 0, -2);
            $n = (int) self::tok();
            $a = [];
            if ($inner === 'int' || $inner === 'long') {
                for ($i = 0; $i < $n; $i++) $a[] = (int) self::tok();
            } else {
                for ($i = 0; $i < $n; $i++) $a[] = self::read($inner);
            }
            return $a;
        }
        switch ($t) {
            case 'int':
            case 'long':
                return (int) self::tok();
            case 'double':
                return (float) self::tok();
            case 'bool':
                return self::tok() === '1';
            case 'char':
                return self::chr((int) self::tok());
            case 'string':
                $n = (int) self::tok();
                $s = substr(self::$d, self::$p + 1, $n);
                self::$p += 1 + $n;
                return $s;
            case 'list':
                $head = null;
                foreach (array_reverse(self::read('int[]')) as $v) $head = new ListNode($v, $head);
                return $head;
            case 'tree':
                $n = (int) self::tok();
                $v = [];
                for ($i = 0; $i < $n; $i++) {
                    $x = self::tok();
                    $v[] = $x === 'n' ? null : (int) $x;
                }
                if ($n === 0) return null;
                $root = new TreeNode($v[0]);
                $q = [$root];
                $i = 1;
                $k = 0;
                while ($i < $n && $k < count($q)) {
                    $node = $q[$k++];
                    if ($v[$i] !== null) $q[] = $node->left = new TreeNode($v[$i]);
                    $i++;
                    if ($i < $n && $v[$i] !== null) $q[] = $node->right = new TreeNode($v[$i]);
                    $i++;
                }
                return $root;
        }
        throw new \InvalidArgumentException("unknown type $t");
    }

    private static function out(string $t, mixed $v): mixed
    {
        if ($t === 'list') {
            $a = [];
            for ($n = $v; $n !== null; $n = $n->next) {
                $a[] = $n->val;
                if (count($a) > 1000000) throw new \RuntimeException('the returned list has a cycle');
            }
            return $a;
        }
        if ($t === 'tree') {
            $a = [];
            $q = [$v];
            for ($k = 0; $k < count($q); $k++) {
                $n = $q[$k];
                if ($n === null) {
                    $a[] = null;
                } else {
                    $a[] = $n->val;
                    $q[] = $n->left;
                    $q[] = $n->right;
                }
                if ($k > 2000000) throw new \RuntimeException('the returned tree is too large or has a cycle');
            }
            while ($a && end($a) === null) array_pop($a);
            return $a;
        }
        // A PHP array with gaps (after unset or array_filter) is still the list it holds.
        if (str_ends_with($t, '[]') && is_array($v)) {
            $inner = substr($t, 0, -2);
            return array_map(fn($x) => self::out($inner, $x), array_values($v));
        }
        if (is_float($v) && !is_finite($v)) return null;
        return $v;
    }

    /** The error and the innermost line of the candidate's code it passed through. */
    private static function describe(\Throwable $e): string
    {
        $text = get_class($e) . ': ' . $e->getMessage();
        $frames = array_merge([['file' => $e->getFile(), 'line' => $e->getLine()]], $e->getTrace());
        foreach ($frames as $frame) {
            if (basename($frame['file'] ?? '') === 'solution.php') return $text . ' (solution.php, line ' . $frame['line'] . ')';
        }
        return $text;
    }

    private static function emit(array $record): void
    {
        $flags = JSON_INVALID_UTF8_SUBSTITUTE | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE;
        try {
            $line = json_encode($record, $flags | JSON_THROW_ON_ERROR);
        } catch (\JsonException $e) {
            $line = json_encode(['i' => $record['i'] ?? 0, 's' => 'error', 'e' => 'the returned value cannot be converted to ' . self::ANSWER,
                'o' => $record['o'] ?? '', 'ms' => $record['ms'] ?? 0], $flags);
        }
        $line = self::$nonce . ' ' . $line . "\n";
        while ($line !== '') {
            $written = fwrite(self::$results, $line);
            if ($written === false || $written === 0) return;
            $line = substr($line, $written);
        }
    }

    private static function capture(): void
    {
        self::$captured = '';
        ob_start(function (string $chunk): string {
            $room = self::CAP - strlen(self::$captured);
            if ($room > 0) self::$captured .= substr($chunk, 0, $room);
            return '';
        }, self::CAP);
    }

    private static function release(): string
    {
        while (ob_get_level() > 0) ob_end_flush();
        return self::$captured;
    }

    /** A fatal error (not an exception) ends the program: report it where it happened. */
    public static function shutdown(): void
    {
        $error = error_get_last();
        $output = self::release();
        $fatal = $error !== null && ($error['type'] & (E_ERROR | E_PARSE | E_CORE_ERROR | E_COMPILE_ERROR | E_USER_ERROR)) !== 0;
        $message = $fatal ? 'Fatal error: ' . $error['message'] . ' (' . basename($error['file']) . ', line ' . $error['line'] . ')' : '';
        if (self::$loading) {
            self::emit(['compile' => $fatal ? $message : 'solution.php stopped the program while it was loaded']);
        } elseif (self::$test !== null) {
            $memory = str_contains($message, 'Allowed memory size');
            self::emit(['i' => self::$test, 's' => $memory ? 'memory' : 'error', 'o' => $output,
                'e' => $fatal ? $message : 'the program exited during the test']);
        }
    }

    /** Reads the tests and loads the candidate's code: false when it could not be loaded. */
    public static function load(): bool
    {
        self::$d = (string) stream_get_contents(STDIN);
        self::$results = fopen('php://fd/' . self::RESULTS_FD, 'wb');
        self::$nonce = self::tok();
        self::$count = (int) self::tok();
        register_shutdown_function([self::class, 'shutdown']);

        self::capture();
        self::$loading = true;
        try {
            require __DIR__ . '/solution.php';
        } catch (\Throwable $e) {
            self::$loading = false;
            self::release();
            $text = $e instanceof \ParseError
                ? 'Parse error: ' . $e->getMessage() . ' (solution.php, line ' . $e->getLine() . ')'
                : self::describe($e);
            self::emit(['compile' => $text]);
            return false;
        }
        self::$loading = false;
        self::release();
        return true;
    }

    public static function run(): void
    {
        $count = self::$count;
        if (class_exists('Solution', false) && method_exists('Solution', self::NAME)) {
            $fn = [new Solution(), self::NAME];
        } elseif (function_exists(self::NAME)) {
            $fn = self::NAME;
        } else {
            self::emit(['compile' => 'solution.php does not define a class Solution with a method ' . self::NAME]);
            return;
        }

        for ($i = 0; $i < $count; $i++) {
            $args = [];
            foreach (self::PARAMS as $t) $args[] = self::read($t);
            $record = ['i' => $i];
            self::capture();
            self::$test = $i;
            $started = hrtime(true);
            try {
                // By reference, for a parameter the function modifies in place (`&$s`).
                $result = $fn(...$args);
                $record['ms'] = (hrtime(true) - $started) / 1e6;
                $record['v'] = self::out(self::ANSWER, self::MUTATED === null ? $result : $args[self::MUTATED]);
                $record['s'] = 'ok';
            } catch (\Throwable $e) {
                $record['ms'] = (hrtime(true) - $started) / 1e6;
                $record['s'] = 'error';
                $record['e'] = self::describe($e);
            }
            self::$test = null;
            $record['o'] = self::release();
            self::emit($record);
        }
    }
}

// Notices and warnings show among the test's prints, as on LeetCode, not only in the log.
ini_set('display_errors', 'stdout');
ini_set('log_errors', '0');
if (CoderoomDriver::load()) {
    if (!class_exists('ListNode', false)) {
        class ListNode
        {
            public $val = 0;
            public $next = null;
            function __construct($val = 0, $next = null)
            {
                $this->val = $val;
                $this->next = $next;
            }
        }
    }
    if (!class_exists('TreeNode', false)) {
        class TreeNode
        {
            public $val = null;
            public $left = null;
            public $right = null;
            function __construct($val = 0, $left = null, $right = null)
            {
                $this->val = $val;
                $this->left = $left;
                $this->right = $right;
            }
        }
    }
    CoderoomDriver::run();
}
"#;

pub fn program(call: &Call, code: &str) -> Vec<(String, String)> {
    let params: Vec<String> = call.sig.params.iter().map(|p| quoted(&p.ty.to_string())).collect();
    let header = format!(
        "<?php\nfinal class CoderoomDriver\n{{\n    const NAME = {};\n    const PARAMS = [{}];\n    const ANSWER = {};\n    const MUTATED = {};\n    const CAP = {CAPTURE_CAP};\n    const RESULTS_FD = {RESULTS_FD};\n",
        quoted(&call.sig.name),
        params.join(", "),
        quoted(&call.answer_type().to_string()),
        call.mutated.map_or("null".to_string(), |i| i.to_string()),
    );
    let solution = if code.trim_start().starts_with("<?php") { code.to_string() } else { format!("<?php {code}") };
    vec![("main.php".into(), format!("{header}{DRIVER}")), ("solution.php".into(), solution)]
}

/// The type names of LeetCode's PHP doc comments.
fn doc_type(ty: &Type) -> String {
    match ty {
        Type::Int | Type::Long => "Integer".into(),
        Type::Double => "Float".into(),
        Type::Bool => "Boolean".into(),
        Type::Char | Type::String => "String".into(),
        Type::Array(inner) => format!("{}[]", doc_type(inner)),
        Type::List => "ListNode".into(),
        Type::Tree => "TreeNode".into(),
        Type::Void => "NULL".into(),
    }
}

const EMPTY: EmptyValues = EmptyValues::dynamic("false", "null");

pub fn starter(call: &Call) -> String {
    let mut out = call.provided("/**\n * Definition for a singly-linked list (provided).\n * class ListNode {\n *     public $val = 0;\n *     public $next = null;\n *     function __construct($val = 0, $next = null) {\n *         $this->val = $val;\n *         $this->next = $next;\n *     }\n * }\n */\n", "/**\n * Definition for a binary tree node (provided).\n * class TreeNode {\n *     public $val = null;\n *     public $left = null;\n *     public $right = null;\n *     function __construct($val = 0, $left = null, $right = null) {\n *         $this->val = $val;\n *         $this->left = $left;\n *         $this->right = $right;\n *     }\n * }\n */\n");
    let mut docs: Vec<String> =
        call.sig.params.iter().map(|p| format!("     * @param {} ${}", doc_type(&p.ty), p.name)).collect();
    docs.push(format!("     * @return {}", doc_type(&call.sig.returns)));
    let params: Vec<String> = call
        .sig
        .params
        .iter()
        .enumerate()
        .map(|(i, p)| if call.mutated == Some(i) { format!("&${}", p.name) } else { format!("${}", p.name) })
        .collect();
    let body = match call.mutated {
        Some(i) => format!("        // Modify ${} in place.\n", call.sig.params[i].name),
        None => format!("        // Write your solution here.\n        return {};\n", EMPTY.of(&call.sig.returns)),
    };
    out.push_str(&format!(
        "class Solution {{\n\n    /**\n{}\n     */\n    function {}({}) {{\n{body}    }}\n}}\n",
        docs.join("\n"),
        call.sig.name,
        params.join(", ")
    ));
    out
}
