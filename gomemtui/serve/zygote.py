"""A warm process that forks viewers' apps, so a viewer does not wait for imports.

A viewer's app needs Textual and the simulated runtime (numpy, scipy): about 3 s of CPU
to import, per viewer. With 20 viewers joining at once on a small machine, the last one
would wait half a minute. So the server starts this process once: it imports all that,
then forks one child per viewer, which only builds its app (a fraction of a second).

The server talks to it over a SOCK_SEQPACKET socket pair (one message per packet):

    server → zygote   {"id": N, "args": [...child args...], "env": {...}, "cwd": "..."}
                      with the PTY's slave end passed along (SCM_RIGHTS)
    zygote → server   {"id": N, "pid": PID}              the child is running
                      {"exited": PID, "status": CODE}    a child has ended

The child becomes a session leader with the PTY as its controlling terminal and fds
0-2, takes exactly the environment it was sent (Textual's settings are re-read from it),
and runs `gomemtui.serve.child.main`. When the server goes away (the socket closes), the
zygote ends its children and exits. It runs no threads and no event loop of its own, so
forking it is safe; numeric libraries are told to use one thread.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys
import time

MAX_MESSAGE = 1 << 20

SINGLE_THREAD_ENV = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                     "NUMEXPR_NUM_THREADS": "1"}
"""So that importing numpy and scipy starts no thread pool in the zygote."""


def _preload() -> None:
    import scipy.sparse.csgraph  # noqa: F401  (the core imports it at the first GC)
    import textual.app  # noqa: F401
    import textual.constants  # noqa: F401
    import textual.screen  # noqa: F401

    import gomemtui.runtime.timeline  # noqa: F401
    import gomemtui.scenario.checker  # noqa: F401
    import gomemtui.scenario.compiler  # noqa: F401
    import gomemtui.ui.commands  # noqa: F401
    import gomemtui.serve.child  # noqa: F401
    import gomemtui.ui.app  # noqa: F401
    import gomemtui.ui.screens.main  # noqa: F401


def _send(sock: socket.socket, message: dict) -> None:
    try:
        sock.send(json.dumps(message).encode())
    except OSError:
        pass


def _become_child(sock: socket.socket, wake_r: int, wake_w: int, slave: int, request: dict) -> None:
    """In the forked child: take the PTY and the environment, run the app, exit."""
    code = 1
    try:
        signal.set_wakeup_fd(-1)
        for sig in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGPIPE):
            signal.signal(sig, signal.SIG_DFL)
        sock.close()
        os.close(wake_r)
        os.close(wake_w)
        os.setsid()
        try:
            with open("/proc/self/comm", "w") as comm:  # what ps and top show
                comm.write("gomemtui-viewer")
        except OSError:
            pass
        try:
            import fcntl
            import termios

            fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        except OSError:
            pass
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        if slave > 2:
            os.close(slave)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update({str(k): str(v) for k, v in request["env"].items()})
        _reread_textual_settings()
        from gomemtui.serve.child import main

        sys.argv = ["gomemtui.serve.child", *request["args"]]
        code = main(list(request["args"]))
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        except Exception:
            pass
        os._exit(code if isinstance(code, int) else 1)


def _reread_textual_settings() -> None:
    """Textual reads TEXTUAL_* when imported (in the zygote): read them again here."""
    import importlib

    import textual.constants
    import textual.screen

    importlib.reload(textual.constants)
    textual.screen.UPDATE_PERIOD = 1 / textual.constants.MAX_FPS  # type: ignore[misc]


def serve(sock: socket.socket) -> int:
    """The zygote's loop: fork on request, report exits, end when the server leaves."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server decides when we stop
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *_: None)
    children: set[int] = set()
    _send(sock, {"ready": True, "pid": os.getpid()})
    while True:
        readable, _, _ = select.select([sock, wake_r], [], [], 1.0)
        if wake_r in readable:
            try:
                while os.read(wake_r, 512):
                    pass
            except BlockingIOError:
                pass
        _reap(sock, children)
        if sock not in readable:
            continue
        try:
            data, fds, _flags, _addr = socket.recv_fds(sock, MAX_MESSAGE, 4)
        except InterruptedError:
            continue
        except OSError:
            data, fds = b"", []
        if not data:
            for fd in fds:
                os.close(fd)
            break
        try:
            request = json.loads(data)
            slave = fds[0]
        except (ValueError, IndexError):
            for fd in fds:
                os.close(fd)
            continue
        for fd in fds[1:]:
            os.close(fd)
        pid = os.fork()
        if pid == 0:
            _become_child(sock, wake_r, wake_w, slave, request)
        os.close(slave)
        children.add(pid)
        _send(sock, {"id": request.get("id"), "pid": pid})
    _end_children(children)
    return 0


def _reap(sock: socket.socket, children: set[int]) -> None:
    while children:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            children.clear()
            return
        if pid == 0:
            return
        children.discard(pid)
        _send(sock, {"exited": pid, "status": os.waitstatus_to_exitcode(status)})


def _end_children(children: set[int]) -> None:
    for sig, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
        for pid in list(children):
            try:
                os.killpg(pid, sig)
            except OSError:
                try:
                    os.kill(pid, sig)
                except OSError:
                    pass
        deadline = time.monotonic() + wait
        while children and time.monotonic() < deadline:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                children.clear()
                break
            if pid:
                children.discard(pid)
            else:
                time.sleep(0.05)
        if not children:
            return


def main() -> int:
    sock = socket.socket(fileno=int(sys.argv[1]))
    _preload()
    return serve(sock)


if __name__ == "__main__":  # pragma: no cover - run as a process
    sys.exit(main())
