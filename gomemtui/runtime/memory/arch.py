"""Page sizes of the platform the simulator models: linux/amd64.

The runtime's own page (`pageSize`, 8 KiB) is in `sizeclasses.PAGE_SIZE`; these are the
operating system's pages the scavenger releases memory in.
"""

from __future__ import annotations

from gomemtui.runtime.memory.sizeclasses import PAGE_SIZE

__all__ = ["HUGE_PAGE_PAGES", "PHYS_HUGE_PAGE_SIZE", "PHYS_PAGE_SIZE"]

PHYS_PAGE_SIZE = 4096
"""`physPageSize` on linux/amd64 (from the auxv, `AT_PAGESZ`)."""
PHYS_HUGE_PAGE_SIZE = 2 << 20
"""`physHugePageSize` on linux/amd64: /sys/kernel/mm/transparent_hugepage/hpage_pmd_size
(2,097,152 on the machine the measurements here were made on; read at startup whatever
THP's mode)."""
HUGE_PAGE_PAGES = PHYS_HUGE_PAGE_SIZE // PAGE_SIZE
"""Runtime pages per huge page: 256."""
