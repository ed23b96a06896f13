"""A warm pytest worker: run by ``rdebug.search.warm`` in the project's own interpreter, in a scratch copy.

Standalone (it imports nothing of rdebug, and runs on the project's Python): it imports pytest once, then forks
one child per request. The child starts a session of its own (its own process group, killed as a group),
sends its output to a file, takes the request's environment, and runs pytest as ``python -m pytest ARGS``
would. This process never imports the project's code, so each child imports it fresh; any module from the
scratch copy found in ``sys.modules`` is dropped in the child all the same, so nothing leaks between runs.

Requests, one JSON object a line on stdin: ``{"run": {"args": [...], "env": {...}, "out": PATH}}``, and
while a child runs ``{"signal": "abort" | "term" | "kill"}`` (SIGABRT to the child for its stacks, SIGTERM
or SIGKILL to its group). Replies on stdout: ``{"ready": PID}``, ``{"started": PID}``, ``{"exit": CODE}``
(a negative code: the signal that ended it). End of input ends the worker.
"""

import gc
import json
import os
import select
import signal
import sys

SIGNALS = {"abort": signal.SIGABRT, "term": signal.SIGTERM, "kill": signal.SIGKILL}
POLL_S = 0.02  # where pidfd_open is missing: how often the child's exit is checked


class Lines:
    """Lines of a file descriptor, read without blocking past what select() said is there."""

    def __init__(self, fd):
        self.fd, self.buf, self.eof = fd, b"", False

    def pop(self):
        if b"\n" in self.buf:
            line, self.buf = self.buf.split(b"\n", 1)
            return line
        return None

    def fill(self):
        data = os.read(self.fd, 65536)
        self.eof = not data
        self.buf += data


def reply(fd, obj):
    os.write(fd, (json.dumps(obj) + "\n").encode())


def _inside(path, top):
    return path == top or path.startswith(top.rstrip(os.sep) + os.sep)


def child(req, root, keep):
    """In the forked child: become a session of its own, redirect, run pytest; never returns."""
    code = 1
    try:
        os.setsid()
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_CORE, (0, resource.getrlimit(resource.RLIMIT_CORE)[1]))
        except (ImportError, OSError, ValueError):
            pass
        out = os.open(req["out"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(out, 2)
        for fd in (out, null, *keep):
            os.close(fd)
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
            signal.signal(sig, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        for name, value in req.get("env", {}).items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        sys.dont_write_bytecode = sys.dont_write_bytecode or bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
        real = os.path.realpath(root)  # real paths: a shared folder (the venv, linked) is not the project's
        for name, mod in list(sys.modules.items()):
            path = getattr(mod, "__file__", None)
            if path and _inside(os.path.realpath(path), real):
                del sys.modules[name]
        if not getattr(sys.flags, "safe_path", False):
            sys.path.insert(0, os.getcwd())  # python -m puts the working directory first
        import pytest
        import pytest.__main__ as main

        sys.argv = [main.__file__, *req["args"]]
        code = pytest.console_main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
        if not isinstance(exc.code, (int, type(None))):
            print(exc.code, file=sys.stderr)
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001 - a closed or broken stream: nothing more to say
                pass
        os._exit(int(code) & 0xFF if isinstance(code, int) else 1)


def exited(pid):
    """Whether the child has exited (left unreaped: its group id stays taken until then)."""
    try:
        return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT | os.WNOHANG) is not None
    except ChildProcessError:
        return True


def serve(req, root, ctl, out_fd):
    pid = os.fork()
    if pid == 0:
        child(req, root, (out_fd,))
    reply(out_fd, {"started": pid})
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pidfd = None
    try:
        while not exited(pid):
            ready, _, _ = select.select([ctl.fd] + ([pidfd] if pidfd is not None else []), [], [],
                                        None if pidfd is not None else POLL_S)
            if ctl.fd not in ready:
                continue
            ctl.fill()
            while (line := ctl.pop()) is not None:
                sig = SIGNALS.get(json.loads(line).get("signal", ""))
                if sig is not None:
                    try:
                        os.kill(pid, sig) if sig == signal.SIGABRT else os.killpg(pid, sig)
                    except (ProcessLookupError, PermissionError):
                        pass
            if ctl.eof:
                os.killpg(pid, signal.SIGKILL)
    finally:
        if pidfd is not None:
            os.close(pidfd)
    try:
        os.killpg(pid, signal.SIGKILL)  # whatever it left running in its group
    except (ProcessLookupError, PermissionError):
        pass
    _, status = os.waitpid(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    reply(out_fd, {"exit": code})


def main():
    root = os.path.abspath(sys.argv[1])
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    out_fd = os.dup(1)  # replies; fd 1 itself is for stray prints
    os.dup2(2, 1)
    __import__("pytest")  # what every run imports first: loaded once, here
    import _pytest.config

    for name in getattr(_pytest.config, "default_plugins", ()):
        try:
            __import__("_pytest." + name)
        except Exception:  # noqa: BLE001 - a plugin of another pytest version: the run imports its own
            pass
    gc.collect()
    if hasattr(gc, "freeze"):
        gc.freeze()  # the children's collections skip what is loaded here (and leave its pages shared)
    ctl = Lines(0)
    reply(out_fd, {"ready": os.getpid()})
    while True:
        line = ctl.pop()
        if line is None:
            if ctl.eof:
                return
            ctl.fill()
            continue
        req = json.loads(line)
        if "run" in req:
            serve(req["run"], root, ctl, out_fd)
            if ctl.eof:
                return


if __name__ == "__main__":
    main()
