"""Fixtures for every test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def no_kept_first_frames(tmp_path_factory, monkeypatch) -> None:
    """Each test starts with no first frame kept from an earlier run (`gomemtui.ui.first_frame`),
    and keeps what it draws out of the user's cache."""
    monkeypatch.setenv("GOMEMTUI_CACHE_DIR", str(tmp_path_factory.mktemp("first-frames")))
