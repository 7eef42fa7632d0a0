"""Bytes per second a viewer receives over SSH while the app plays. Prints figures.

    python benchmarks/bench_ssh.py                       # 10 s at 80x24, 2 steps/s (the default speed)
    python benchmarks/bench_ssh.py --seconds 20 --size 120x40 --speed 8
    python benchmarks/bench_ssh.py --scenario tour --colors 256

It starts `gomemtui serve` in this process on 127.0.0.1 (an ephemeral port, a throwaway
host key and client key), connects one asyncssh client with a PTY (TERM=xterm-256color,
COLORTERM=truecolor unless --colors says less: the most bytes per color), waits for the
app (timing how long a viewer waits from connecting to the scenario on screen, the viewer
app forked from the server's warm forkserver), presses space and counts the bytes
received during the playback. The scenario's
`pause = true` marks are taken out of a temporary copy, and playback starts again from the
beginning when it reaches the end, so the app plays for the whole measurement.
Target: at most 20 KB/s at 80x24 and the default speed.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

TARGET = 20 * 1024
"""Bytes per second at most, at 80x24 and the default speed."""

SPEEDS = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
DEFAULT_SPEED = 2.0


async def measure(scenario: str, seconds: float, size: tuple[int, int], speed: float, colors: str,
                  fps: int) -> dict[str, float]:
    import asyncssh

    from gomemtui.scenario import find_scenario
    from gomemtui.serve.server import GomemServer, ServeOptions
    from tests.serve.viewer import connect, open_viewer

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        text = find_scenario(scenario).read_text("utf-8")
        copy = tmpdir / f"{Path(scenario).stem}.toml"
        copy.write_text(re.sub(r"(?m)^pause\s*=\s*true\s*$", "", text), "utf-8")
        key = asyncssh.generate_private_key("ssh-ed25519")
        (tmpdir / "authorized_keys").write_bytes(key.export_public_key())
        server = GomemServer(ServeOptions(str(copy), ssh=("127.0.0.1", 0), authorized_keys=tmpdir / "authorized_keys",
                                          host_key=tmpdir / "host_key", colors=colors, fps=fps))
        await server.start()
        try:
            joined = time.monotonic()
            conn = await connect(server.ssh_port, key)
            env = {"COLORTERM": "truecolor", "LANG": "en_US.UTF-8"}
            viewer = await open_viewer(conn, size=size, env=env)
            match = await viewer.wait_for(r"step 0/(\d+)", timeout=60)
            on_screen = time.monotonic() - joined
            total = int(match.group(1))
            await viewer.wait_quiet(0.5, 10)
            presses = SPEEDS.index(speed) - SPEEDS.index(DEFAULT_SPEED)
            viewer.press(*(["+"] * presses if presses > 0 else ["-"] * -presses))
            await viewer.wait_quiet(0.5, 5)
            start_bytes, started = viewer.mark, time.monotonic()
            viewer.press("space")
            steps_shown = 0
            last = viewer.mark
            while time.monotonic() - started < seconds:
                await asyncio.sleep(0.25)
                new = viewer.text(last)
                last = viewer.mark
                steps = re.findall(rf"step (\d+)/{total}", new)
                steps_shown += len(set(steps))
                if steps and int(steps[-1]) >= total:
                    viewer.press("\x1b[H")  # Home, then play again
                    await asyncio.sleep(0.2)
                    viewer.press("space")
            elapsed = time.monotonic() - started
            received = viewer.mark - start_bytes
            viewer.press("space", "q")
            await viewer.closed_with(10)
            conn.close()
        finally:
            await server.close()
    return {"bytes": received, "seconds": elapsed, "rate": received / elapsed, "steps": steps_shown,
            "on_screen": on_screen}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scenario", default="08-sync-pool", help="bundled name or file (default 08-sync-pool)")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--size", default="80x24", help="COLSxROWS (default 80x24)")
    parser.add_argument("--speed", type=float, default=DEFAULT_SPEED, choices=SPEEDS, help="steps per second")
    parser.add_argument("--colors", default="truecolor", choices=("16", "256", "truecolor"))
    parser.add_argument("--fps", type=int, default=10, help="the server's frame-rate cap over SSH")
    args = parser.parse_args()
    cols, rows = (int(n) for n in args.size.lower().split("x"))
    logging.basicConfig(level=logging.WARNING)
    result = asyncio.run(measure(args.scenario, args.seconds, (cols, rows), args.speed, args.colors, args.fps))
    rate = result["rate"]
    print(f"a viewer waits {result['on_screen']:.2f} s from connecting to the scenario on screen")
    print(f"ssh playback {args.scenario} at {cols}x{rows}, {args.speed:g} steps/s, colors {args.colors}, "
          f"fps cap {args.fps}: {result['bytes']:,} bytes in {result['seconds']:.1f} s = "
          f"{rate / 1024:.1f} KB/s ({result['steps']} steps shown)")
    if (cols, rows) == (80, 24) and args.speed == DEFAULT_SPEED:
        verdict = "ok" if rate <= TARGET else "OVER"
        print(f"target at 80x24 and the default speed: <= {TARGET / 1024:.0f} KB/s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
