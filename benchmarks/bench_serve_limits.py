"""What a served viewer can cost the server, and how long a flood keeps a keyed viewer out. Prints figures.

    python benchmarks/bench_serve_limits.py                    # window sizes, then the flood
    python benchmarks/bench_serve_limits.py --seconds 10 --sizes 80x24,1000x500
    python benchmarks/bench_serve_limits.py --web --sizes 80x24,10000x10000   # a web visitor too

For each window size, one SSH viewer (the window clamped by the server as it would be:
at most 1000x500, `gomemtui.serve.ptyapp.clamp_size`, SSH and web alike) plays the tour at
the default speed; the viewer's app process's resident memory (VmHWM, its peak) and CPU
time over the playback are read from /proc. Then `--bare` TCP connections that never start
the SSH handshake are opened, and the time a keyed viewer takes to see the app is measured
(before issue #15 it was refused until the bare ones hit the login timeout, about 30 s).
Everything on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _proc(pid: int) -> tuple[float, float]:
    """(peak resident MB, CPU seconds) of process `pid`."""
    import os

    with open(f"/proc/{pid}/status") as f:
        peak = next(int(line.split()[1]) for line in f if line.startswith("VmHWM:")) / 1024
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return peak, (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _web_sizes(server: object, seconds: float, sizes: list[tuple[int, int]]) -> None:
    """The same for a web visitor who asks for each size (in the page's address and a resize)."""
    import json

    import aiohttp

    print(f"{'web asks':>10} {'app peak RSS':>13} {'app CPU':>9}")
    base = f"http://127.0.0.1:{server.web_port}"  # type: ignore[attr-defined]
    async with aiohttp.ClientSession() as http:
        for cols, rows in sizes:
            visitor = await http.ws_connect(f"{base}/ws?width={cols}&height={rows}", max_msg_size=0)
            received = bytearray()
            async with asyncio.timeout(60):
                while b"step" not in received:
                    message = await visitor.receive()
                    if message.type == aiohttp.WSMsgType.BINARY:
                        received.extend(message.data)
            (session,) = server.sessions  # type: ignore[attr-defined]
            pid = session.process.pid
            await visitor.send_str(json.dumps(["resize", {"width": cols, "height": rows}]))
            _, cpu0 = _proc(pid)
            await visitor.send_str(json.dumps(["stdin", " "]))
            deadline = time.monotonic() + seconds
            while (left := deadline - time.monotonic()) > 0:
                try:
                    await asyncio.wait_for(visitor.receive(), left)
                except asyncio.TimeoutError:
                    break
            peak, cpu1 = _proc(pid)
            print(f"{cols:>5}x{rows:<4} {peak:>10.0f} MB {cpu1 - cpu0:>8.1f}s")
            await visitor.send_str(json.dumps(["stdin", "q"]))
            await visitor.close()
            async with asyncio.timeout(15):
                while server.sessions:  # type: ignore[attr-defined]
                    await asyncio.sleep(0.05)


async def main(seconds: float, sizes: list[tuple[int, int]], bare: int, web: bool) -> None:
    import asyncssh

    from gomemtui.serve.server import GomemServer, ServeOptions
    from tests.serve.viewer import connect, open_viewer

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        key = asyncssh.generate_private_key("ssh-ed25519")
        (tmpdir / "authorized_keys").write_bytes(key.export_public_key())
        server = GomemServer(ServeOptions("tour", ssh=("127.0.0.1", 0), authorized_keys=tmpdir / "authorized_keys",
                                          host_key=tmpdir / "host_key",
                                          web=("127.0.0.1", 0) if web else None))
        await server.start()
        try:
            print(f"{'window':>10} {'app peak RSS':>13} {'app CPU':>9}   ({seconds:g} s of playback)")
            for cols, rows in sizes:
                conn = await connect(server.ssh_port, key)
                viewer = await open_viewer(conn, size=(cols, rows))
                await viewer.wait_for(r"step 0/10", timeout=60)
                (session,) = server.sessions
                pid = session.app.process.pid  # type: ignore[attr-defined]
                _, cpu0 = _proc(pid)
                viewer.press("space")
                await asyncio.sleep(seconds)
                peak, cpu1 = _proc(pid)
                print(f"{cols:>5}x{rows:<4} {peak:>10.0f} MB {cpu1 - cpu0:>8.1f}s")
                viewer.press("q")
                await viewer.closed_with(timeout=15)
                conn.close()
                await conn.wait_closed()
            if web:
                await _web_sizes(server, seconds, sizes)
            writers = []
            for _ in range(bare):
                _, writer = await asyncio.open_connection("127.0.0.1", server.ssh_port)
                writers.append(writer)
            started = time.monotonic()
            conn = await connect(server.ssh_port, key)
            viewer = await open_viewer(conn)
            await viewer.wait_for(r"step 0/10", timeout=60)
            print(f"after {bare} bare connections, a keyed viewer sees the app in "
                  f"{time.monotonic() - started:.2f} s")
            viewer.press("q")
            await viewer.closed_with(timeout=15)
            conn.close()
            for writer in writers:
                writer.close()
        finally:
            await server.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--sizes", default="80x24,200x60,500x200,1000x500")
    parser.add_argument("--bare", type=int, default=60)
    parser.add_argument("--web", action="store_true", help="also a web visitor asking for each size")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    sizes = [tuple(int(n) for n in s.split("x")) for s in args.sizes.split(",")]
    asyncio.run(main(args.seconds, sizes, args.bare, args.web))  # type: ignore[arg-type]
