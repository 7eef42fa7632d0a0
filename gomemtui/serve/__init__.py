"""`gomemtui serve`: the app over SSH (asyncssh) and in a browser (textual-serve).

Each viewer gets an app process of their own (`gomemtui.serve.child`) on a PTY (SSH) or
a web socket (browser). One viewer, the presenter, drives; the others follow through a
small hub on a Unix socket (`hub`, protocol in `protocol`; the app's side is
`gomemtui.ui.remote`).

Modules, cheapest first:

- `command`   the `serve` subcommand (registered through `gomemtui.cli.COMMAND_MODULES`)
- `protocol`  the sync messages (plain Python)
- `glyphs`    ASCII stand-ins for block, braille and box glyphs (plain Python)
- `scenarios` which files are served; names a viewer may ask for
- `environ`   the environment a viewer's app process gets (TERM, colors, ASCII, frame rate)
- `hostkey`   the SSH host key: made once, kept 0600, never overwritten
- `pty`       an app process on its own pseudo-terminal
- `hub`       the presenter → followers relay
- `ssh`       the asyncssh server (auth, sessions, limits, one log line per connection)
- `web`       the textual-serve front (one app per visitor)
- `server`    all of it together, with a graceful stop
- `child`     what runs in each viewer's process

asyncssh and textual-serve are the optional `serve` extra: `pip install 'gomemtui[serve]'`.
"""
