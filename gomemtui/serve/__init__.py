"""`gomemtui serve`: the app over SSH (asyncssh) and in a browser (textual-serve).

Each viewer gets an app process of their own, forked warm from the standard library's
forkserver, on a PTY (SSH) or a pair of pipes (browser). One viewer, the presenter, drives;
the others follow through a small hub on a Unix socket (protocol and viewer configuration
in `gomemtui.sync`; the app's side is `gomemtui.ui.follow`). docs/serving.md says how.

asyncssh and textual-serve are the optional `serve` extra: `pip install 'gomemtui[serve]'`.
"""
