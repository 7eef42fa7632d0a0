"""A `HeapProfile` as Go's heap profile file: gzipped `profile.proto`, as `runtime/pprof`
writes it (`writeHeapProto`), for `go tool pprof` and its web UI.

The encoding is Google's `protobuf` package, the maintained implementation of the wire
format. It is given the schema at run time: the messages of pprof's `profile.proto`
(package `perftools.profiles`) are declared below as a descriptor, field by field with
their numbers and types as the .proto file gives them, so no generated `_pb2` module
(and no `protoc`) ties the code to one protobuf release.

What the file holds, as `runtime/pprof` writes a heap profile:

* sample types alloc_objects/count, alloc_space/bytes, inuse_objects/count,
  inuse_space/bytes, in that order (pprof shows the last, inuse_space, by default);
* period type space/bytes and period 1: every allocation is in the profile
  (`runtime.MemProfileRate = 1`), so values need no scaling and the totals are the
  simulator's figures (a real program's default rate of 512 KiB samples instead);
* one sample per bucket (site and size), with the numeric label "bytes" = the size of
  each allocation, as Go adds it;
* a location per source line, with one line record naming its function, and one
  mapping that says functions, file names and line numbers are all there;
* comments naming the scenario, the step and the GC the figures are as of
  (`go tool pprof -comments`).
"""

from __future__ import annotations

import gzip
from typing import Any

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from gomemtui.runtime.read.profile import SAMPLE_TYPES, HeapProfile

__all__ = ["encode_profile", "profile_bytes", "Profile"]

_T = descriptor_pb2.FieldDescriptorProto
_SCHEMA: dict[str, tuple[tuple[str, int, int, bool, str], ...]] = {
    # message: (field, number, type, repeated, message type) — profile.proto's fields.
    "Profile": (
        ("sample_type", 1, _T.TYPE_MESSAGE, True, "ValueType"),
        ("sample", 2, _T.TYPE_MESSAGE, True, "Sample"),
        ("mapping", 3, _T.TYPE_MESSAGE, True, "Mapping"),
        ("location", 4, _T.TYPE_MESSAGE, True, "Location"),
        ("function", 5, _T.TYPE_MESSAGE, True, "Function"),
        ("string_table", 6, _T.TYPE_STRING, True, ""),
        ("drop_frames", 7, _T.TYPE_INT64, False, ""),
        ("keep_frames", 8, _T.TYPE_INT64, False, ""),
        ("time_nanos", 9, _T.TYPE_INT64, False, ""),
        ("duration_nanos", 10, _T.TYPE_INT64, False, ""),
        ("period_type", 11, _T.TYPE_MESSAGE, False, "ValueType"),
        ("period", 12, _T.TYPE_INT64, False, ""),
        ("comment", 13, _T.TYPE_INT64, True, ""),
        ("default_sample_type", 14, _T.TYPE_INT64, False, ""),
    ),
    "ValueType": (
        ("type", 1, _T.TYPE_INT64, False, ""),
        ("unit", 2, _T.TYPE_INT64, False, ""),
    ),
    "Sample": (
        ("location_id", 1, _T.TYPE_UINT64, True, ""),
        ("value", 2, _T.TYPE_INT64, True, ""),
        ("label", 3, _T.TYPE_MESSAGE, True, "Label"),
    ),
    "Label": (
        ("key", 1, _T.TYPE_INT64, False, ""),
        ("str", 2, _T.TYPE_INT64, False, ""),
        ("num", 3, _T.TYPE_INT64, False, ""),
        ("num_unit", 4, _T.TYPE_INT64, False, ""),
    ),
    "Mapping": (
        ("id", 1, _T.TYPE_UINT64, False, ""),
        ("memory_start", 2, _T.TYPE_UINT64, False, ""),
        ("memory_limit", 3, _T.TYPE_UINT64, False, ""),
        ("file_offset", 4, _T.TYPE_UINT64, False, ""),
        ("filename", 5, _T.TYPE_INT64, False, ""),
        ("build_id", 6, _T.TYPE_INT64, False, ""),
        ("has_functions", 7, _T.TYPE_BOOL, False, ""),
        ("has_filenames", 8, _T.TYPE_BOOL, False, ""),
        ("has_line_numbers", 9, _T.TYPE_BOOL, False, ""),
        ("has_inline_frames", 10, _T.TYPE_BOOL, False, ""),
    ),
    "Location": (
        ("id", 1, _T.TYPE_UINT64, False, ""),
        ("mapping_id", 2, _T.TYPE_UINT64, False, ""),
        ("address", 3, _T.TYPE_UINT64, False, ""),
        ("line", 4, _T.TYPE_MESSAGE, True, "Line"),
        ("is_folded", 5, _T.TYPE_BOOL, False, ""),
    ),
    "Line": (
        ("function_id", 1, _T.TYPE_UINT64, False, ""),
        ("line", 2, _T.TYPE_INT64, False, ""),
        ("column", 3, _T.TYPE_INT64, False, ""),
    ),
    "Function": (
        ("id", 1, _T.TYPE_UINT64, False, ""),
        ("name", 2, _T.TYPE_INT64, False, ""),
        ("system_name", 3, _T.TYPE_INT64, False, ""),
        ("filename", 4, _T.TYPE_INT64, False, ""),
        ("start_line", 5, _T.TYPE_INT64, False, ""),
    ),
}
_PACKAGE = "perftools.profiles"


def _message_classes() -> dict[str, Any]:
    """The profile.proto message classes, built from `_SCHEMA` in a private pool."""
    file = descriptor_pb2.FileDescriptorProto(name="gomemtui/profile.proto", package=_PACKAGE, syntax="proto3")
    for name, fields in _SCHEMA.items():
        message = file.message_type.add(name=name)
        for field, number, kind, repeated, type_name in fields:
            f = message.field.add(name=field, number=number, type=kind)
            f.label = _T.LABEL_REPEATED if repeated else _T.LABEL_OPTIONAL
            if type_name:
                f.type_name = f".{_PACKAGE}.{type_name}"
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return {
        name: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"{_PACKAGE}.{name}"))
        for name in _SCHEMA
    }


_CLASSES = _message_classes()
Profile = _CLASSES["Profile"]
"""The `perftools.profiles.Profile` message class (tests decode files with it)."""


class _Strings:
    """The profile's string table: index 0 is "", each string once."""

    def __init__(self, table: Any) -> None:
        self.table = table
        self.index: dict[str, int] = {}
        self.of("")

    def of(self, text: str) -> int:
        found = self.index.get(text)
        if found is None:
            found = self.index[text] = len(self.table)
            self.table.append(text)
        return found


def encode_profile(profile: HeapProfile, comments: tuple[str, ...] = (), binary_name: str = "main") -> Any:
    """The `Profile` message of `profile` (see the module docstring)."""
    message = Profile()
    strings = _Strings(message.string_table)
    for kind, unit in SAMPLE_TYPES:
        message.sample_type.add(type=strings.of(kind), unit=strings.of(unit))
    message.period_type.type = strings.of("space")
    message.period_type.unit = strings.of("bytes")
    message.period = 1
    message.mapping.add(id=1, filename=strings.of(binary_name), has_functions=True,
                        has_filenames=True, has_line_numbers=True)
    functions: dict[str, int] = {}
    locations: dict[tuple[int, str], int] = {}
    filename = strings.of(profile.source_name)
    for sample in profile.samples:
        site = sample.site
        fid = functions.get(site.function)
        if fid is None:
            fid = functions[site.function] = len(functions) + 1
            name = strings.of(site.function)
            message.function.add(id=fid, name=name, system_name=name, filename=filename)
        key = (site.line, site.function)
        lid = locations.get(key)
        if lid is None:
            lid = locations[key] = len(locations) + 1
            location = message.location.add(id=lid, mapping_id=1)
            location.line.add(function_id=fid, line=site.line)
        out = message.sample.add(location_id=[lid], value=[
            sample.alloc_objects, sample.alloc_space, sample.inuse_objects, sample.inuse_space,
        ])
        out.label.add(key=strings.of("bytes"), num=sample.object_bytes)
    for text in comments:
        message.comment.append(strings.of(text))
    return message


def profile_bytes(profile: HeapProfile, comments: tuple[str, ...] = (), binary_name: str = "main") -> bytes:
    """The gzipped file `runtime/pprof.WriteHeapProfile` would write (with mtime 0, so
    the same profile always gives the same bytes)."""
    raw = encode_profile(profile, comments, binary_name).SerializeToString(deterministic=True)
    return gzip.compress(raw, mtime=0)
