"""Reading large responses files quickly, with echoorg's optional C accelerator.

Most files from survey tools are plain: every row `respondent,unit,<answers>` with the
respondent and unit either bare or in double quotes, each answer a whole number within the
scale (bare or quoted, perhaps written 3.0) or empty or NA, and rows ending in `\\n` or
`\\r\\n`. For such a file the accelerator (`_fast.c`) turns each answer straight into the
one-byte code the scoring uses (see coded.py), on every core, without building text
columns first.

It does not judge files. At anything outside the plain form (a blank line, a value out of
range, a cell with spaces round it, an escaped quote, a line break inside quotes, a
repeated respondent, a respondent that is not ASCII) `read_plain` returns None and the
general reader in responses.py reads the file instead, refusing it with row numbers if it
is malformed. Both readers give the same answers for every file the accelerator accepts
(tests/core/test_fastread.py compares them).

Without a C compiler at install time the accelerator is absent; `ECHOORG_PURE_PYTHON=1`
turns it off. Either way results are the same, only slower for large files.
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

try:
    if os.environ.get("ECHOORG_PURE_PYTHON"):
        raise ImportError("turned off by ECHOORG_PURE_PYTHON")
    from . import _fast  # type: ignore[attr-defined]  # built at install, no stubs

    native: Any = _fast
except ImportError:  # no compiler when echoorg was installed: NumPy and Arrow serve
    native = None

PIECE_BYTES = 8 << 20  # rows are read in pieces of about this size, one piece a thread
# A row this long goes to the general reader, which reads or refuses it: Arrow's reader
# works in 1 MB blocks and refuses a row longer than a block, so both routes must let it
# decide (or a file would be scored on one route and refused on the other).
LONG_ROW_BYTES = 1 << 19


@dataclass
class PlainRows:
    """A plain file's rows: answer codes (instrument items x rows), units numbered."""

    codes: np.ndarray  # uint8 (n_items, n): 0 blank, else answer - min + 1
    unit_codes: np.ndarray  # int64 (n,): index into unit_names
    unit_names: list[str]  # in order of first appearance
    respondents: Callable[[], np.ndarray]  # the respondent column, decoded when asked for

    def __len__(self) -> int:
        return int(self.codes.shape[1])


def available() -> bool:
    return native is not None


def map_file(path: os.PathLike[str] | str) -> Any:
    """A file's bytes without copying them: a read-only memory map (bytes when empty)."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return b""
        try:  # ask the kernel for every page at once, where it can
            return mmap.mmap(
                handle.fileno(), 0, flags=mmap.MAP_SHARED | mmap.MAP_POPULATE, prot=mmap.PROT_READ
            )
        except (AttributeError, OSError):
            return mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)


def read_plain(
    data: Any,
    start: int,
    slots: list[int],
    n_items: int,
    low: int,
    high: int,
    progress: Callable[[int], None] | None = None,
    workers: int | None = None,
) -> PlainRows | None:
    """The rows of data[start:] if the file is plain (see the module's text), else None.

    `data` is bytes, a bytearray or a memory map. `slots[j]` is the instrument position
    of the file's j-th item column; instrument items with no column in the file stay
    blank. `progress` hears the number of bytes read so far, as pieces of the file finish.
    """
    if native is None or not slots or start >= len(data) or high - low + 1 > 254:
        return None
    size = len(data)
    bounds = [start]
    while bounds[-1] < size:
        cut = data.find(b"\n", bounds[-1] + PIECE_BYTES)
        bounds.append(size if cut < 0 else cut + 1)
    pieces = list(zip(bounds[:-1], bounds[1:], strict=True))
    threads = max(1, min(workers or os.cpu_count() or 1, len(pieces)))
    with ThreadPoolExecutor(max_workers=threads) as pool:
        rows = list(pool.map(lambda piece: native.count_lines(data, *piece), pieces))
        if data[size - 1] != 0x0A:
            rows[-1] += 1  # the last row has no newline
        return _parse(data, pieces, rows, slots, n_items, low, high, pool, progress)


def _parse(
    data: Any,
    pieces: list[tuple[int, int]],
    rows: list[int],
    slots: list[int],
    n_items: int,
    low: int,
    high: int,
    pool: ThreadPoolExecutor,
    progress: Callable[[int], None] | None,
) -> PlainRows | None:
    first = np.concatenate([[0], np.cumsum(rows)]).astype(np.int64)
    n = int(first[-1])
    codes = np.zeros((n_items, n), dtype=np.uint8)
    key_start = np.empty((2, n), dtype=np.int64)
    key_len = np.empty((2, n), dtype=np.int64)
    key_hash = np.empty((2, n), dtype=np.uint64)
    slot_array = np.asarray(slots, dtype=np.int64)

    def parse(number: int) -> bool:
        a, b = pieces[number]
        got, non_ascii = native.parse(
            data,
            a,
            b,
            slot_array,
            low,
            high,
            codes,
            n,
            int(first[number]),
            int(first[number + 1]),
            key_start,
            key_len,
            key_hash,
        )
        return got == rows[number] and not non_ascii

    plain = True
    for (_, end), fine in zip(pieces, pool.map(parse, range(len(pieces))), strict=True):
        plain = plain and fine
        if progress is not None:
            progress(end)
    if not plain or _longest_row(key_start[0], pieces[-1][1]) >= LONG_ROW_BYTES:
        return None
    unit_codes = np.empty(n, dtype=np.int64)
    unit_first = np.empty(n, dtype=np.int64)
    respondent_codes = np.empty(n, dtype=np.int64)
    respondent_first = np.empty(n, dtype=np.int64)
    units = pool.submit(
        native.encode, data, key_start[1], key_len[1], key_hash[1], unit_codes, unit_first
    )
    respondents = native.encode(
        data, key_start[0], key_len[0], key_hash[0], respondent_codes, respondent_first
    )
    distinct_units = units.result()
    if respondents != n or distinct_units < 0:
        return None  # a repeated respondent (the general reader names its rows), or a clash
    try:
        names = [
            bytes(data[s : s + length]).decode("utf-8")
            for s, length in zip(
                key_start[1, unit_first[:distinct_units]].tolist(),
                key_len[1, unit_first[:distinct_units]].tolist(),
                strict=True,
            )
        ]
    except UnicodeDecodeError:
        return None
    offsets, lengths = key_start[0], key_len[0]

    def respondent_column() -> np.ndarray:
        return np.array(
            [
                bytes(data[s : s + length]).decode("ascii")
                for s, length in zip(offsets.tolist(), lengths.tolist(), strict=True)
            ],
            dtype=object,
        )

    return PlainRows(codes, unit_codes, names, respondent_column)


def _longest_row(respondent_starts: np.ndarray, end: int) -> int:
    """About the longest row's length in bytes: from one row's respondent cell to the
    next's (and the last one's to the end of the data)."""
    if not len(respondent_starts):
        return 0
    last = end - int(respondent_starts[-1])
    if len(respondent_starts) == 1:
        return last
    return max(last, int(np.diff(respondent_starts).max()))
