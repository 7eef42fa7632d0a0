"""`python -m gomemtui`: the same as the `gomemtui` command."""

from gomemtui.cli import entry_point

if __name__ == "__main__":
    entry_point()
