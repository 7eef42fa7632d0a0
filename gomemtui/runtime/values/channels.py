"""Channels: `runtime.hchan`, its buffer, and the goroutines waiting in its queues.

What `make(chan T, n)` allocates (`runtime.makechan`), measured with go1.27.3 linux/amd64
(`MemStats.Mallocs` and `TotalAlloc` per make, tests/realgo/test_channels.py):

* `hchan` is 112 B (`hchanSize`: qcount, dataqsiz, buf, elemsize+closed, timer, elemtype,
  sendx, recvx, recvq, sendq, bubble, lock).
* cap 0 or a zero-size element: one noscan 112 B object, hchan alone.
* elements without pointers: one noscan object of 112 + cap × elemsize (hchan and the
  buffer in one `mallocgc`): `chan int` cap 4 takes 144 B, cap 100 takes 1024 B.
* elements with pointers: `new(hchan)` (112 B, scan) and a separate buffer
  `mallocgc(cap × elemsize, elem)`: `chan *T` cap 100 takes 112 + 896 B in two objects.

A goroutine that must wait (`chansend` on a full channel, `chanrecv` on an empty one)
parks with a `sudog` (`acquireSudog`) in the channel's `sendq` or `recvq`; the sudog
points at the channel (`sudog.c`) and at the value being sent (`sudog.elem`, a slot of
the sender's stack), so a goroutine that never wakes keeps the channel, its buffer and
the value alive.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from gomemtui.runtime.types import NIL, GoType

HCHAN_BYTES = 112
"""`hchanSize` of go1.27.3 linux/amd64 (a `chan int` of cap 1 is one 128 B object: 112 + 8)."""


def buffer_bytes(elem: GoType, cap: int) -> int:
    """Bytes of the buffer `makechan` asks for: cap × elemsize."""
    return cap * elem.size


def buffer_apart(elem: GoType, cap: int) -> bool:
    """Whether the buffer is its own object (elements with pointers and a non-empty buffer)."""
    return buffer_bytes(elem, cap) > 0 and elem.has_pointers


@dataclass
class Waiter:
    """A goroutine parked in a channel queue with its sudog."""

    goroutine: str
    sudog: int
    """The sudog's heap object."""
    value: int = NIL
    """Sender: the heap object the value sent points to (NIL: none)."""
    var: str | None = None
    """Receiver: the variable the received value goes to (None: discarded)."""


@dataclass
class Channel:
    """One channel: its hchan, its ring buffer and its wait queues."""

    id: int
    name: str
    elem: GoType
    cap: int
    hchan: int
    """The hchan object (with the buffer in it when `buf` is NIL)."""
    buf: int = NIL
    """The separate buffer object (elements with pointers), NIL otherwise."""
    buffer: deque[int] = field(default_factory=deque)
    """The values in the buffer, oldest first: the object each points to (NIL: none)."""
    types: deque[GoType] = field(default_factory=deque)
    """The pointee type of each buffered value (what a receiving variable points to)."""
    sendx: int = 0
    """Where the next buffered value goes (`hchan.sendx`)."""
    recvx: int = 0
    """Where the next received value comes from (`hchan.recvx`)."""
    sendq: deque[Waiter] = field(default_factory=deque)
    recvq: deque[Waiter] = field(default_factory=deque)
    send_types: deque[GoType] = field(default_factory=deque)
    """The pointee type of each parked sender's value, in `sendq` order."""
    closed: bool = False

    @property
    def slot_stride(self) -> int:
        """Pointer slots per element of the buffer object (the first one holds the value)."""
        return max(1, len(self.elem.pointer_fields)) if self.elem.has_pointers else 0

    def heap_objects(self) -> list[int]:
        """The channel's own heap objects (hchan, then its buffer when separate)."""
        return [self.hchan] if self.buf == NIL else [self.hchan, self.buf]
