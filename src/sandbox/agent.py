# coderoom sandbox agent: PID 1 of every warm sandbox container.
#
# coderoom starts it as `python3 -c <this file> UID GID` and talks to it over the container's
# attached stdin/stdout, one JSON object per line. The agent runs as root inside the container
# but keeps only CAP_SETUID, CAP_SETGID and CAP_KILL: it forks each stage as the unprivileged job
# user with resource limits, streams the output back, enforces wall/CPU time and output caps, and
# after every job kills every other process in the container's PID namespace (as PID 1 it is the
# only survivor of kill(-1)) and wipes the writable directories (and POSIX message queues), so
# the next job starts clean.
#
# A stage's CPU time is that of the whole container (its cgroup) minus the agent's own, so work
# handed to a background process, a thread or a double-forked child counts the same as the
# program's, whatever the program reports about itself.
#
# A stage may get a result channel (`results_cap` > 0): a pipe on the program's fd 3, streamed
# back as `"s":"results"` with its own cap, so that what the program prints on stdout cannot
# crowd out what a judge driver reports there.
#
# Requests:  {"op":"prepare","files":[{"path","b64"}]}
#            {"op":"stage","stage","argv","env","timeout_ms","cpu_ms","output_cap","results_cap",
#             "stdin_size","keep_stdin"} followed by stdin_size bytes of stdin as they are
#            {"op":"stdin","b64"} {"op":"signal","signal":N} {"op":"cleanup"}
# Events:    {"ev":"hello"} {"ev":"prepared"} {"ev":"failed","message"}
#            {"ev":"data","s":"stdout"|"stderr"|"results","d":b64}
#            {"ev":"exit","stage","code","signal","status","message","cpu_time","wall_time","memory"}
#            {"ev":"clean"} {"ev":"dirty","message"}
import base64
import errno
import fcntl
import json
import math
import os
import resource
import selectors
import signal
import stat
import sys
import time

UID = int(sys.argv[1])
GID = int(sys.argv[2])
WORKSPACE = "/work"
# /dev/mqueue holds POSIX message queues, which outlive the processes that create them.
SCRATCH_DIRS = ["/work", "/tmp", "/dev/shm", "/dev/mqueue"]
# The program's end of the result channel.
RESULTS_FD = 3
# Large enough for most stages' whole stdin (the most an unprivileged pipe may hold): the
# program reads it without waiting for the agent to refill the pipe 64 KiB at a time.
STDIN_PIPE_SIZE = 1 << 20
FILE_SIZE_LIMIT = int(sys.argv[3]) if len(sys.argv) > 3 else 16 * 1024 * 1024
OPEN_FILES_LIMIT = 256
CLK_TCK = os.sysconf("SC_CLK_TCK")
# Starts a stage's program as the job user (config/runtimes/core.toml builds it): forking the
# agent instead copies its page tables and faults its pages back in, milliseconds per stage.
SPAWN_HELPER = "/usr/local/lib/coderoom-sandbox/spawn"
if not os.access(SPAWN_HELPER, os.X_OK):
    SPAWN_HELPER = None
# The agent's own dispositions (Python ignores SIGPIPE, handles the rest) are not the program's.
CHILD_DEFAULT_SIGNALS = (signal.SIGCHLD, signal.SIGPIPE, signal.SIGINT, signal.SIGTERM)

out = sys.stdout.buffer


def emit(obj):
    out.write(json.dumps(obj, separators=(",", ":")).encode() + b"\n")
    out.flush()


def oom_kills():
    """Number of OOM kills in this container's memory cgroup (v1 or v2), or -1 if unknown."""
    for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
        try:
            with open(path) as f:
                for line in f:
                    key, _, value = line.partition(" ")
                    if key == "oom_kill":
                        return int(value)
        except OSError:
            continue
    return -1


class Reaper:
    """Collects exit statuses; every orphan in the container is re-parented to us (PID 1)."""

    def __init__(self):
        self.finished = {}

    def reap(self):
        while True:
            try:
                pid, status, usage = os.wait4(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            self.finished[pid] = (status, usage)


reaper = Reaper()


def kill_everything(deadline_s=3.0):
    """SIGKILL every process but ourselves; True once none is left."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:
            reaper.reap()
            return True
        reaper.reap()
        time.sleep(0.0005)
    return False


def as_job_user(fn, *args):
    """Runs fn with the job user's effective ids, so that files belong to it and root's
    remaining capabilities are not in effect while touching job-controlled paths."""
    os.setegid(GID)
    os.seteuid(UID)
    try:
        return fn(*args)
    finally:
        os.seteuid(0)
        os.setegid(0)


def write_files(files):
    for item in files:
        rel = os.path.normpath(item["path"])
        if rel.startswith("/") or rel == ".." or rel.startswith("../"):
            raise ValueError("file path escapes the workspace: " + item["path"])
        full = os.path.join(WORKSPACE, rel)
        parent = os.path.dirname(full)
        os.makedirs(parent, exist_ok=True)
        fd = os.open(full, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
        try:
            data = base64.b64decode(item["b64"])
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
        finally:
            os.close(fd)


def wipe(path):
    for name in os.listdir(path):
        full = os.path.join(path, name)
        mode = os.lstat(full).st_mode
        if stat.S_ISDIR(mode):
            try:
                os.chmod(full, 0o700)
            except OSError:
                pass
            wipe(full)
            os.rmdir(full)
        else:
            os.unlink(full)


def wipe_scratch():
    for directory in SCRATCH_DIRS:
        if os.path.isdir(directory):
            wipe(directory)
    os.chmod(WORKSPACE, 0o700)


def leftover_ipc():
    """SysV IPC objects outlive processes: report whether any exist in our IPC namespace."""
    for kind in ("shm", "msg", "sem"):
        try:
            with open("/proc/sysvipc/" + kind) as f:
                if len(f.readlines()) > 1:
                    return True
        except OSError:
            pass
    return False


def leftover_files():
    for directory in SCRATCH_DIRS:
        if os.path.isdir(directory) and os.listdir(directory):
            return "files left in " + directory
    return None


def verify_clean():
    """Runs as root (the process check needs CAP_KILL); the listing as the job user, since
    root here has no CAP_DAC_OVERRIDE and /work belongs to the job user."""
    problem = as_job_user(leftover_files)
    if problem:
        return problem
    try:
        os.kill(-1, 0)
        return "processes left"
    except ProcessLookupError:
        pass
    if leftover_ipc():
        return "IPC objects left"
    return None


def cpu_ms_of(pid):
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = sum(int(x) for x in fields[11:15])
        return ticks * 1000 // CLK_TCK
    except (OSError, IndexError, ValueError):
        return 0


def container_cpu_ns():
    """CPU time used by every process of this container so far (cgroup v2 or v1), or None."""
    try:
        with open("/sys/fs/cgroup/cpu.stat") as f:
            for line in f:
                key, _, value = line.partition(" ")
                if key == "usage_usec":
                    return int(value) * 1000
    except (OSError, ValueError):
        pass
    for path in ("/sys/fs/cgroup/cpuacct/cpuacct.usage", "/sys/fs/cgroup/cpu,cpuacct/cpuacct.usage"):
        try:
            with open(path) as f:
                return int(f.read())
        except (OSError, ValueError):
            continue
    return None


def agent_cpu_ns():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return int((usage.ru_utime + usage.ru_stime) * 1e9)


class CpuMeter:
    """CPU time of everything a stage started: the container's total minus the agent's own."""

    def __init__(self):
        self.container = container_cpu_ns()
        self.agent = agent_cpu_ns()

    def used_ms(self, own_ms):
        """The larger of the container-wide figure and the program's own (`own_ms`, also the
        fallback where the cgroup cannot be read)."""
        total = container_cpu_ns()
        if self.container is None or total is None:
            return own_ms
        return max(own_ms, (total - self.container - (agent_cpu_ns() - self.agent)) // 1_000_000)


def peak_rss(pid):
    """VmHWM of a live process in bytes (its current program only), else 0."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def spawn(argv, env, cpu_ms, results):
    in_r, in_w = os.pipe()
    try:
        fcntl.fcntl(in_w, fcntl.F_SETPIPE_SZ, STDIN_PIPE_SIZE)
    except OSError:
        pass  # a lower pipe-max-size: the default pipe works, only slower
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    # Created as the job user: a runtime that can only name a file (Java) reopens its end
    # through /proc/self/fd, which a root-owned pipe would refuse.
    res_r, res_w = as_job_user(os.pipe) if results else (None, None)
    cpu_s = max(1, math.ceil(cpu_ms / 1000))
    if SPAWN_HELPER:
        pid = spawn_with_helper(argv, env, cpu_s, in_r, out_w, err_w, res_w)
    else:
        pid = fork_and_exec(argv, env, cpu_s, in_r, out_w, err_w, res_w)
    os.close(in_r)
    os.close(out_w)
    os.close(err_w)
    if res_w is not None:
        os.close(res_w)
    return pid, in_w, out_r, err_r, res_r


def spawn_with_helper(argv, env, cpu_s, in_r, out_w, err_w, res_w):
    """posix_spawn (no copy of the agent's memory) of the image's helper, which drops to the
    job user with the limits below and execs the program, exactly as fork_and_exec does."""
    actions = [(os.POSIX_SPAWN_DUP2, in_r, 0), (os.POSIX_SPAWN_DUP2, out_w, 1), (os.POSIX_SPAWN_DUP2, err_w, 2)]
    if res_w is not None:
        actions.append((os.POSIX_SPAWN_DUP2, res_w, RESULTS_FD))
    first_closed = RESULTS_FD + 1 if res_w is not None else RESULTS_FD
    limits = [UID, GID, cpu_s, FILE_SIZE_LIMIT, OPEN_FILES_LIMIT, first_closed]
    return os.posix_spawn(
        SPAWN_HELPER,
        [SPAWN_HELPER, *map(str, limits), *argv],
        env,
        file_actions=actions,
        setsid=True,
        setsigdef=CHILD_DEFAULT_SIGNALS,
    )


def fork_and_exec(argv, env, cpu_s, in_r, out_w, err_w, res_w):
    """For images without the spawn helper."""
    pid = os.fork()
    if pid == 0:
        try:
            signal.set_wakeup_fd(-1)
            for sig in CHILD_DEFAULT_SIGNALS:
                signal.signal(sig, signal.SIG_DFL)
            os.setsid()
            try:
                with open("/proc/self/oom_score_adj", "w") as f:
                    f.write("1000")
            except OSError:
                pass
            os.dup2(in_r, 0)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            if res_w is not None:
                if res_w != RESULTS_FD:
                    os.dup2(res_w, RESULTS_FD)
                os.set_inheritable(RESULTS_FD, True)
            os.closerange(RESULTS_FD + 1 if res_w is not None else RESULTS_FD, 65536)
            os.setgroups([])
            os.setresgid(GID, GID, GID)
            os.setresuid(UID, UID, UID)
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
            resource.setrlimit(resource.RLIMIT_FSIZE, (FILE_SIZE_LIMIT, FILE_SIZE_LIMIT))
            resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILES_LIMIT, OPEN_FILES_LIMIT))
            resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
            os.chdir(WORKSPACE)
            os.execvpe(argv[0], argv, env)
        except BaseException as err:  # noqa: BLE001 - report anything, then die
            try:
                os.write(2, ("coderoom: cannot start %s: %s\n" % (argv[0], err)).encode())
            finally:
                os._exit(127)
    return pid


class Agent:
    def __init__(self):
        self.sel = selectors.DefaultSelector()
        self.wake_r, wake_w = os.pipe()
        os.set_blocking(self.wake_r, False)
        os.set_blocking(wake_w, False)
        signal.set_wakeup_fd(wake_w)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        os.set_blocking(0, False)
        self.sel.register(0, selectors.EVENT_READ, "control")
        self.sel.register(self.wake_r, selectors.EVENT_READ, "wake")
        self.inbuf = bytearray()
        # How far self.inbuf holds no newline, and a command still receiving its raw bytes.
        self.scanned = 0
        self.awaiting_payload = None
        self.commands = []
        self.stage = None
        self.eof = False
        # Why this job's files could not be written: its stages, sent without waiting for the
        # answer, must not run (until the cleanup).
        self.unprepared = None

    # ---- control channel -------------------------------------------------------------
    def read_control(self):
        try:
            chunk = os.read(0, 1 << 20)
        except BlockingIOError:
            return
        if not chunk:
            # coderoom went away (stdin is closed when its attach ends): stop the container.
            self.eof = True
            return
        self.inbuf += chunk
        while self.take_command():
            pass

    def take_command(self):
        """Handles the next complete command in self.inbuf; False when it has none."""
        if self.awaiting_payload is not None:
            cmd = self.awaiting_payload
            size = cmd["stdin_size"]
            if len(self.inbuf) < size:
                return False
            cmd["stdin"] = bytes(self.inbuf[:size])
            del self.inbuf[:size]
            self.awaiting_payload = None
            self.commands.append(cmd)
            return True
        # Megabytes of stdin arrive in many reads: never scan the same bytes twice.
        end = self.inbuf.find(b"\n", self.scanned)
        if end < 0:
            self.scanned = len(self.inbuf)
            return False
        line = bytes(self.inbuf[:end])
        del self.inbuf[: end + 1]
        self.scanned = 0
        if line and not line.isspace():
            cmd = json.loads(line)
            if cmd.get("stdin_size"):
                self.awaiting_payload = cmd
            elif self.stage and cmd["op"] in ("stdin", "signal", "close_stdin"):
                self.stage_control(cmd)
            elif cmd["op"] in ("stdin", "signal", "close_stdin"):
                pass  # the stage already ended: nothing to deliver to
            else:
                self.commands.append(cmd)
        return True

    def poll(self, timeout):
        for key, _ in self.sel.select(timeout):
            if key.data == "control":
                self.read_control()
            elif key.data == "wake":
                try:
                    while os.read(self.wake_r, 512):
                        pass
                except BlockingIOError:
                    pass
                reaper.reap()
            elif key.data in ("stdout", "stderr", "results"):
                self.read_output(key.fd, key.data)
            elif key.data == "stdin":
                self.write_stdin()

    def run(self):
        emit({"ev": "hello", "pid": os.getpid()})
        while not self.eof:
            if self.commands:
                cmd = self.commands.pop(0)
                try:
                    self.handle(cmd)
                except Exception as err:  # noqa: BLE001 - one bad job must not kill the agent
                    emit({"ev": "failed", "message": "%s: %s" % (type(err).__name__, err)})
                continue
            self.poll(None)
        kill_everything()

    def handle(self, cmd):
        op = cmd["op"]
        if op == "prepare":
            try:
                as_job_user(write_files, cmd["files"])
            except Exception as err:  # noqa: BLE001 - reported, and the job's stages refused
                self.unprepared = "%s: %s" % (type(err).__name__, err)
                raise
            emit({"ev": "prepared"})
        elif op == "stage" and self.unprepared:
            emit({"ev": "failed", "message": "the job's files were not written: " + self.unprepared})
        elif op == "stage":
            self.run_stage(cmd)
        elif op == "cleanup":
            self.unprepared = None
            kill_everything()
            problem = None
            try:
                as_job_user(wipe_scratch)
            except Exception as err:  # noqa: BLE001
                problem = "cannot wipe: %s" % err
            problem = problem or verify_clean()
            emit({"ev": "dirty", "message": problem} if problem else {"ev": "clean"})
        else:
            emit({"ev": "failed", "message": "unknown op " + op})

    # ---- one stage ---------------------------------------------------------------------
    def stage_control(self, cmd):
        st = self.stage
        if cmd["op"] == "stdin":
            if st["stdin_fd"] is not None:
                st["stdin_buf"] += base64.b64decode(cmd["b64"])
                self.want_stdin()
        elif cmd["op"] == "close_stdin":
            st["keep_stdin"] = False
            self.want_stdin()
        elif cmd["op"] == "signal":
            try:
                os.killpg(st["pid"], int(cmd["signal"]))
            except OSError:
                pass

    def want_stdin(self):
        st = self.stage
        fd = st["stdin_fd"]
        if fd is None:
            return
        if st["stdin_buf"]:
            if not st["stdin_registered"]:
                self.sel.register(fd, selectors.EVENT_WRITE, "stdin")
                st["stdin_registered"] = True
        else:
            if st["stdin_registered"]:
                self.sel.unregister(fd)
                st["stdin_registered"] = False
            if not st["keep_stdin"]:
                os.close(fd)
                st["stdin_fd"] = None

    def write_stdin(self):
        st = self.stage
        try:
            n = os.write(st["stdin_fd"], st["stdin_buf"][:STDIN_PIPE_SIZE])
            del st["stdin_buf"][:n]
        except BlockingIOError:
            return
        except OSError:
            # The program closed its stdin (EPIPE): drop the rest.
            st["stdin_buf"].clear()
            st["keep_stdin"] = False
        self.want_stdin()

    def read_output(self, fd, stream):
        st = self.stage
        try:
            chunk = os.read(fd, 1 << 16)
        except BlockingIOError:
            return
        if not chunk:
            self.sel.unregister(fd)
            os.close(fd)
            st["open"] -= 1
            return
        room = st["caps"][stream] - st["sizes"][stream]
        if len(chunk) > room:
            chunk = chunk[: max(room, 0)]
            if st["status"] is None:
                st["status"] = "EL" if stream == "stderr" else "OL"
                st["message"] = stream + " length exceeded"
            self.kill_stage()
        st["sizes"][stream] += len(chunk)
        if chunk:
            emit({"ev": "data", "s": stream, "d": base64.b64encode(chunk).decode()})

    def kill_stage(self):
        try:
            os.killpg(self.stage["pid"], signal.SIGKILL)
        except OSError:
            pass
        self.stage["killed"] = True

    def run_stage(self, cmd):
        # PWD as a shell sets it: a stage's program may be started without one (see engine.rs).
        env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "TMPDIR": "/tmp"}
        env["PWD"] = WORKSPACE
        env.update(cmd.get("env") or {})
        oom_before = oom_kills()
        meter = CpuMeter()
        results_cap = int(cmd.get("results_cap") or 0)
        # A forked child inherits our resident size in its peak (ru_maxrss), so programs smaller
        # than the agent would all report its ~10 MB: keep that baseline, and sample the real
        # program's own peak while it runs.
        baseline = peak_rss(os.getpid())
        sampled = 0
        start = time.monotonic()
        pid, in_w, out_r, err_r, res_r = spawn(cmd["argv"], env, cmd["cpu_ms"], results_cap > 0)
        for fd in (in_w, out_r, err_r, res_r):
            if fd is not None:
                os.set_blocking(fd, False)
        self.stage = st = {
            "pid": pid,
            "stdin_fd": in_w,
            "stdin_buf": bytearray(cmd.get("stdin", b"")),
            "stdin_registered": False,
            "keep_stdin": bool(cmd.get("keep_stdin")),
            "caps": {"stdout": int(cmd["output_cap"]), "stderr": int(cmd["output_cap"]), "results": results_cap},
            "sizes": {"stdout": 0, "stderr": 0, "results": 0},
            "open": 3 if res_r is not None else 2,
            "status": None,
            "message": None,
            "killed": False,
        }
        self.sel.register(out_r, selectors.EVENT_READ, "stdout")
        self.sel.register(err_r, selectors.EVENT_READ, "stderr")
        if res_r is not None:
            self.sel.register(res_r, selectors.EVENT_READ, "results")
        self.want_stdin()
        deadline = start + cmd["timeout_ms"] / 1000.0
        cpu_limit = cmd["cpu_ms"]
        next_cpu_check = start + 0.05
        while pid not in reaper.finished:
            now = time.monotonic()
            if now >= deadline:
                if st["status"] is None:
                    st["status"], st["message"] = "TO", "Time limit exceeded"
                self.kill_stage()
                kill_everything()
                break
            if now >= next_cpu_check:
                next_cpu_check = now + 0.05
                if meter.used_ms(cpu_ms_of(pid)) > cpu_limit and st["status"] is None:
                    st["status"], st["message"] = "TO", "CPU time limit exceeded"
                    self.kill_stage()
            self.poll(min(deadline, next_cpu_check) - now)
            sampled = max(sampled, peak_rss(pid))
            if self.eof:
                self.kill_stage()
        wall_ms = int((time.monotonic() - start) * 1000)
        # Whatever the program left running (background children) dies with the stage; then the
        # pipes reach EOF and everything written before is collected.
        kill_everything()
        drain_until = time.monotonic() + 1.0
        while st["open"] > 0 and time.monotonic() < drain_until:
            self.poll(0.05)
        for key in list(self.sel.get_map().values()):
            if key.data in ("stdout", "stderr", "results", "stdin"):
                self.sel.unregister(key.fd)
                os.close(key.fd)
        if st["stdin_fd"] is not None and not st["stdin_registered"]:
            try:
                os.close(st["stdin_fd"])
            except OSError:
                pass
        self.stage = None
        status, usage = reaper.finished.pop(pid)
        reaper.finished.clear()
        cpu_ms = meter.used_ms(int((usage.ru_utime + usage.ru_stime) * 1000))
        memory = usage.ru_maxrss * 1024
        if memory <= baseline * 1.05 and sampled:
            memory = sampled
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        outcome, message = st["status"], st["message"]
        if outcome is None:
            if sig == signal.SIGXCPU or cpu_ms > cpu_limit:
                outcome, message = "TO", "CPU time limit exceeded"
            elif sig is not None:
                outcome = "SG"
                if sig == signal.SIGKILL and oom_before >= 0 and oom_kills() > oom_before:
                    message = "Memory limit exceeded"
                elif sig == signal.SIGXFSZ:
                    message = "File size limit exceeded"
                else:
                    message = "Caught fatal signal %d" % sig
            elif code != 0:
                outcome, message = "RE", "Exited with error status %d" % code
        try:
            sig_name = signal.Signals(sig).name if sig is not None else None
        except ValueError:
            sig_name = "SIG%d" % sig
        emit({
            "ev": "exit",
            "stage": cmd["stage"],
            "code": code,
            "signal": sig_name,
            "status": outcome,
            "message": message,
            "cpu_time": cpu_ms,
            "wall_time": wall_ms,
            "memory": memory,
        })


if __name__ == "__main__":
    Agent().run()
