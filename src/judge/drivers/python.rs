//! Python: the candidate's code is its own module (`solution.py`, so tracebacks show the
//! candidate's line numbers); the driver puts `ListNode`, `TreeNode` and the `typing` names
//! into builtins first (`python_nodes.py`), as LeetCode-style code expects them without
//! imports.

use super::{CAPTURE_CAP, Call, EmptyValues, RESULTS_FD, quoted};
use crate::problems::types::Type;

const DRIVER: &str = concat!(
    include_str!("python_nodes.py"),
    r#"
# Only modules Python has loaded already or builds in: re, json, threading and typing would
# double the interpreter's start-up, and every run pays it.
import _thread, io, math, os, sys, time

_DATA = sys.stdin.buffer.read()
_POS = 0
_SPACE = b" \n"

def _tok():
    # Tokens end at a space or a newline (see src/judge/encode.rs).
    global _POS
    data, pos = _DATA, _POS
    while data[pos] in _SPACE:
        pos += 1
    end = data.find(b" ", pos)
    newline = data.find(b"\n", pos, end if end >= 0 else len(data))
    if newline >= 0:
        end = newline
    elif end < 0:
        end = len(data)
    _POS = end
    return data[pos:end]

def _encoder():
    """json.dumps, from the C encoder json uses itself, without importing json (which imports
    re); json itself on an interpreter without it."""
    try:
        from _json import encode_basestring_ascii, make_encoder
    except ImportError:
        import json
        return json.dumps
    def unserialisable(value):
        raise TypeError("not serialisable: " + type(value).__name__)
    def dumps(value):
        chunks = make_encoder({}, unserialisable, encode_basestring_ascii, None, ": ", ", ", False, False, True)(value, 0)
        return "".join(chunks)
    return dumps

_dumps = _encoder()

_NUMBER = {"int": int, "long": int, "double": float}

def _tokens(n):
    # n tokens in one split, in C: a hundred thousand numbers are not one Python call each.
    # Only a window that holds them is split, not the rest of the line (each row of a matrix
    # would copy it again): tokens are one space apart and a number's text is under 32 bytes.
    # Should longer tokens cut the window short, the split is redone to the line's end (tokens
    # hold no newline); what follows the n tokens is a suffix of what was split.
    global _POS
    window = _DATA[_POS:_POS + 32 * (n + 1)]
    parts = window.split(None, n)
    if len(parts) > n:
        _POS += len(window) - len(parts.pop())
        return parts
    end = _DATA.find(b"\n", _POS)
    if end < 0:
        end = len(_DATA)
    parts = _DATA[_POS:end].split(None, n)
    _POS = end - len(parts.pop()) if len(parts) > n else end
    return parts

def _read(t):
    global _POS
    if t.endswith("[]"):
        n = int(_tok())
        inner = t[:-2]
        if inner in _NUMBER:
            return list(map(_NUMBER[inner], _tokens(n))) if n else []
        return [_read(inner) for _ in range(n)]
    if t == "int" or t == "long":
        return int(_tok())
    if t == "double":
        return float(_tok())
    if t == "bool":
        return _tok() == b"1"
    if t == "char":
        return chr(int(_tok()))
    if t == "string":
        n = int(_tok())
        start = _POS + 1
        _POS = start + n
        return _DATA[start:_POS].decode("utf-8")
    if t == "list":
        return to_list(_read("int[]"))
    if t == "tree":
        n = int(_tok())
        return to_tree([None if x == b"n" else int(x) for x in _tokens(n)] if n else [])
    raise ValueError("unknown type " + t)

def _out(t, v):
    if t == "list":
        return from_list(v)
    if t == "tree":
        return from_tree(v)
    if v is None:
        return None
    if t.endswith("[]"):
        inner = t[:-2]
        return [_out(inner, x) for x in v]
    if isinstance(v, float) and (math.isnan(v) or math.isinf(v)):
        return None
    return v

def _where(exc):
    import traceback
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith("solution.py")]
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    if frames:
        f = frames[-1]
        text += " (solution.py, line %d, in %s)" % (f.lineno, f.name)
    return text

def _main():
    real = os.fdopen(RESULTS_FD, "w", encoding="utf-8", closefd=False)
    nonce = _tok().decode()
    count = int(_tok())

    def emit(record, line=None):
        real.write(nonce + " " + (line or _dumps(record)) + "\n")
        real.flush()

    with open(os.path.join(sys.path[0], "solution.py"), encoding="utf-8", errors="replace") as source:
        provide_typing_names(source.read())
    capture = io.StringIO()
    sys.stdout = sys.stderr = capture
    try:
        import solution
        fn = getattr(solution, NAME, None)
        if fn is None and isinstance(getattr(solution, "Solution", None), type):
            fn = getattr(solution.Solution(), NAME, None)
    except BaseException:
        import traceback
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        lines = traceback.format_exc().splitlines()
        start = next((k for k, line in enumerate(lines) if "solution.py" in line), 0)
        emit({"compile": "\n".join(lines[start:])})
        return
    sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    if not callable(fn):
        emit({"compile": "solution.py does not define a function named " + NAME})
        return
    for i in range(count):
        args = [_read(t) for t in PARAMS]
        capture = io.StringIO()
        record = {"i": i}
        sys.stdout = sys.stderr = capture
        started = time.perf_counter()
        try:
            result = fn(*args)
            record["ms"] = (time.perf_counter() - started) * 1000
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
            record["v"] = _out(ANSWER, args[MUTATED] if MUTATED is not None else result)
            record["s"] = "ok"
        except MemoryError:
            record["s"] = "memory"
        except RecursionError:
            record["s"] = "error"
            record["e"] = "RecursionError: maximum recursion depth exceeded"
        except BaseException as exc:
            record["s"] = "error"
            record["e"] = _where(exc)
        finally:
            sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        record.setdefault("ms", (time.perf_counter() - started) * 1000)
        record["o"] = capture.getvalue()[:CAP]
        # Encoded once: a large answer (reverse-string's are ~45 KB) is not serialised twice.
        try:
            line = _dumps(record)
        except (TypeError, ValueError):
            record["s"], record["v"], record["e"] = "error", None, "the returned value cannot be converted to " + ANSWER
            line = None
        emit(record, line)

def _run():
    try:
        _main()
    finally:
        _done.release()

# Deep recursion needs a deep stack: the tests run on a thread with 256 MiB of it.
sys.setrecursionlimit(200000)
try:
    _thread.stack_size(256 * 1024 * 1024)
except (ValueError, RuntimeError):
    pass
_done = _thread.allocate_lock()
_done.acquire()
_thread.start_new_thread(_run, ())
_done.acquire()
"#
);

pub fn program(call: &Call, code: &str) -> Vec<(String, String)> {
    let params: Vec<String> = call.sig.params.iter().map(|p| quoted(&p.ty.to_string())).collect();
    let header = format!(
        "NAME = {}\nPARAMS = [{}]\nANSWER = {}\nMUTATED = {}\nCAP = {CAPTURE_CAP}\nRESULTS_FD = {RESULTS_FD}\n",
        quoted(&call.sig.name),
        params.join(", "),
        quoted(&call.answer_type().to_string()),
        call.mutated.map_or("None".to_string(), |i| i.to_string()),
    );
    vec![("main.py".into(), format!("{header}{DRIVER}")), ("solution.py".into(), code.to_string())]
}

fn hint(ty: &Type) -> String {
    match ty {
        Type::Int | Type::Long => "int".into(),
        Type::Double => "float".into(),
        Type::Bool => "bool".into(),
        Type::Char | Type::String => "str".into(),
        Type::Array(inner) => format!("List[{}]", hint(inner)),
        Type::List => "Optional[ListNode]".into(),
        Type::Tree => "Optional[TreeNode]".into(),
        Type::Void => "None".into(),
    }
}

const EMPTY: EmptyValues = EmptyValues::dynamic("False", "None");

pub fn starter(call: &Call) -> String {
    let params: Vec<String> = call.sig.params.iter().map(|p| format!("{}: {}", p.name, hint(&p.ty))).collect();
    let mut out = call.provided(
        "# class ListNode:  (provided)\n#     def __init__(self, val=0, next=None): ...\n\n",
        "# class TreeNode:  (provided)\n#     def __init__(self, val=0, left=None, right=None): ...\n\n",
    );
    let body = if call.mutated.is_some() {
        format!(
            "    # Modify {} in place; nothing is returned.\n    pass\n",
            call.sig.params[call.mutated.unwrap_or(0)].name
        )
    } else {
        format!("    # Write your solution here.\n    return {}\n", EMPTY.of(&call.sig.returns))
    };
    out.push_str(&format!("def {}({}) -> {}:\n{body}", call.sig.name, params.join(", "), hint(&call.sig.returns)));
    out
}
