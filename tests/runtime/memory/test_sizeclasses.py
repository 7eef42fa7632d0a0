"""Size classes against the table and against what real Go 1.27.3 allocated (oracle)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from gomemtui.runtime.memory import sizeclasses as sc
from gomemtui.runtime.values.growslice import growslice
from tests.oracle_data import load_oracle, oracle_cases

GO_CSV = Path(__file__).resolve().parents[2] / "oracle" / "sizeclasses.csv"

_ROUNDUP = [c for c in oracle_cases("sizeclass_roundup") if "requested_bytes" in c]
_SPANS = [c for c in oracle_cases("sizeclass_roundup") if "objects_per_span_observed" in c]


def _csv_rows() -> list[dict[str, str]]:
    path = Path(sc.__file__).parents[1] / "data" / "sizeclasses.csv"
    return list(csv.DictReader(path.open()))


def test_packaged_table_is_go_s_table() -> None:
    packaged = (Path(sc.__file__).parents[1] / "data" / "sizeclasses.csv").read_text()
    assert packaged == GO_CSV.read_text()


def test_constants_match_go() -> None:
    assert (sc.PAGE_SIZE, sc.MAX_SMALL_SIZE, sc.MAX_SMALL_ALLOC) == (8192, 32768, 32760)
    assert (sc.TINY_SIZE, sc.MALLOC_HEADER_SIZE, sc.NUM_SIZE_CLASSES) == (16, 8, 68)
    assert len(sc.SIZE_CLASSES) == 68


def test_table_columns_and_objects_per_span_formula() -> None:
    for row in _csv_rows():
        c = int(row["class"])
        assert sc.class_size(c) == int(row["bytes_per_obj"])
        assert sc.class_span_bytes(c) == int(row["bytes_per_span"])
        assert sc.class_npages(c) == int(row["pages_per_span"])
        assert sc.objects_per_span(c, True) == int(row["objects_per_span_noscan_greentea"])
        assert sc.objects_per_span(c, False) == int(row["objects_per_span_scan_greentea"])
        # Without Green Tea, noscan spans are the generated table's column.
        assert sc.objects_per_span(c, True, green_tea=False) == int(row["objects_per_span_table"])


def test_size_to_class_is_smallest_fitting_class() -> None:
    assert sc.size_to_class(0) == 0
    assert sc.size_to_class(1) == 1
    assert sc.size_to_class(9) == 2
    assert sc.size_to_class(32768) == 67
    assert sc.size_to_class(32769) == 0
    for n in range(1, sc.MAX_SMALL_SIZE + 1, 37):
        c = sc.size_to_class(n)
        assert sc.class_size(c) >= n
        assert c == 1 or sc.class_size(c - 1) < n


def test_nogreentea_examples_from_facts() -> None:
    assert sc.objects_per_span(2, True, green_tea=False) == 512
    assert sc.objects_per_span(2, False, green_tea=False) == 504
    assert sc.objects_per_span(3, True, green_tea=False) == 341
    assert sc.objects_per_span(3, False, green_tea=False) == 336


def test_large_object_span_holds_one() -> None:
    assert sc.objects_per_span(0, True) == 1


def test_oracle_roundup_every_request_size() -> None:
    """TotalAlloc delta of one allocation and growslice's rounded bytes, for all 9116 cases.

    One test over all cases (not 9116 parametrized ones) so the suite stays fast; the
    assertion lists every mismatch.
    """
    assert _ROUNDUP, "the oracle file holds these cases"
    wrong = []
    for case in _ROUNDUP:
        n, noscan = case["requested_bytes"], case["kind"] == "noscan"
        elem = 1 if noscan else 8  # noscan = make([]byte, n), scan = make([]*byte, n/8)
        cap, _ = growslice(0, 0, n // elem, elem, noscan)
        # A noscan request < 16 B opens a fresh 16-B tiny block (checked in test_heap.py).
        slot = sc.TINY_SIZE if noscan and n < sc.TINY_SIZE else sc.alloc_size(n, noscan)
        got = (sc.roundupsize(n, noscan), cap * elem, slot)
        want = (case["growslice_cap_bytes"], case["growslice_cap_bytes"], case["total_alloc_delta"])
        if got != want:
            wrong.append((case["kind"], n, got, want))
    assert not wrong, wrong[:20]


def test_oracle_roundup_vectorized() -> None:
    assert _ROUNDUP, "the oracle file holds these cases"
    for kind in ("noscan", "scan"):
        cases = [c for c in _ROUNDUP if c["kind"] == kind and not (kind == "noscan" and c["requested_bytes"] < 16)]
        sizes = np.array([c["requested_bytes"] for c in cases])
        expected = np.array([c["total_alloc_delta"] for c in cases])
        np.testing.assert_array_equal(sc.alloc_size_array(sizes, kind == "noscan"), expected)


@pytest.mark.parametrize("case", _SPANS, ids=lambda c: f"{c['kind']}-{c['class_size']}")
def test_oracle_objects_per_span(case: dict) -> None:
    c = sc.size_to_class(case["class_size"])
    assert sc.class_size(c) == case["class_size"]
    assert sc.class_span_bytes(c) == case["span_bytes"]
    assert sc.objects_per_span(c, case["kind"] == "noscan") == case["objects_per_span_observed"]


def test_malloc_header_examples() -> None:
    # make([]*byte, 65) = 520 B takes a 576-B slot; a 1024-B pointer slice takes 1152 B.
    assert sc.alloc_size(520, False) == 576
    assert sc.alloc_size(1024, False) == 1152
    assert sc.alloc_size(1024, True) == 1024
    assert sc.roundupsize(520, False) == 568
    # 32761..32768-byte requests are large objects (4 pages) although class 67 is 32768.
    assert sc.alloc_size(32761, True) == 32768
    assert sc.alloc_class(32761, True) == 0
    assert sc.alloc_class(32760, False) == 67
    assert sc.alloc_size(0, True) == 0


def test_alloc_size_array_matches_scalar() -> None:
    sizes = np.arange(0, 70000, 13)
    for noscan in (True, False):
        got = sc.alloc_size_array(sizes, noscan)
        assert got.tolist() == [sc.alloc_size(int(n), noscan) for n in sizes]


def test_retention_cases_that_are_size_arithmetic() -> None:
    cases = {c["name"]: c["heap_alloc_minus_baseline"] for c in load_oracle("retention")["cases"]}
    mib = 1 << 20
    assert cases["keep whole 8 MiB []byte"] == sc.alloc_size(8 * mib, True)
    cap, capmem = growslice(0, 0, 16, 1, True)
    assert cases["keep append([]byte(nil), b[:16]...)"] == sc.alloc_size(capmem, True)
    # 8 pointees of 1 MiB plus the 64-byte []*[1MiB]byte backing array.
    assert cases["keep []*[1MiB]byte with 8 elements"] == 8 * sc.alloc_size(mib, True) + sc.alloc_size(64, False)


def test_table_loads_from_an_installed_zip(tmp_path: Path) -> None:
    """The CSV is read with importlib.resources, so it works from a wheel or a zip too."""
    import subprocess
    import sys
    import zipfile

    pkg = Path(sc.__file__).resolve().parents[2]
    archive = tmp_path / "gomemtui.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for rel in ("__init__.py", "runtime/__init__.py", "runtime/memory/__init__.py", "runtime/memory/sizeclasses.py", "runtime/data/sizeclasses.csv"):
            z.write(pkg / rel, f"gomemtui/{rel}")
    code = "import gomemtui.runtime.memory.sizeclasses as s; print(s.__file__, s.class_size(67))"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, env={"PYTHONPATH": str(archive)}, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert "gomemtui.zip" in out.stdout and out.stdout.split()[-1] == "32768"


def test_tiny_noscan_objects_are_in_the_tiny_block_class():
    """mallocgcTiny: 1..15-byte noscan objects live in 16-byte class-2 blocks (tinySpanClass)."""
    for n in range(1, 16):
        assert sc.alloc_class(n, True) == sc.TINY_SIZE_CLASS == sc.ALLOC_CLASS_NOSCAN[n]
    assert sc.alloc_class(8, False) == 1  # pointerful 8 B: a class-1 slot of its own
    assert sc.alloc_class(16, True) == 2 and sc.alloc_class(17, True) == 3
    assert sc.roundupsize(5, True) == 8  # growslice's rounding does not know the tiny allocator
