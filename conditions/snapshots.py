"""Built indexes stored once per content version, for every process and every app server.

The first process to need an index for a version claims the build (one row per name and version,
so two processes never both build it); the others wait for the row's data. Each app server keeps
a copy of what it loaded in a local file that its workers memory-map: the index's numpy arrays
are read straight from the file (the operating system shares those pages between workers), and
only the small Python tables around them are unpickled per worker.
"""

from __future__ import annotations

import contextlib
import hashlib
import mmap
import os
import pickle
import struct
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q
from django.utils import timezone

from .models import IndexSnapshot

MAGIC = b"EXPLSNP1"
ALIGN = 64  # numpy likes its arrays aligned
CLAIM_SECONDS = 120  # a claim older than this with no data was abandoned (the builder died)
POLL_SECONDS = 0.25
KEEP = 3  # snapshots kept per name: the current one and a couple a slow process may still read


def _source_fingerprint() -> str:
    """What the indexes' code looks like: a snapshot pickled by other code (an earlier deploy)
    may not load, or load into something else, so each is stored under the code that made it."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


CODE = _source_fingerprint()


def _key(version: str) -> str:
    return f"{version}.{CODE}"


def dumps(obj: Any) -> bytes:
    """The object as one file: a header, the pickle, then each large buffer (the arrays' data)
    out of band and aligned, so `loads` can hand numpy views of a memory map."""
    buffers: list[pickle.PickleBuffer] = []
    body = pickle.dumps(obj, protocol=5, buffer_callback=buffers.append)
    raw = [buffer.raw() for buffer in buffers]
    header_size = len(MAGIC) + 8 * (2 + 2 * len(raw))
    place = _aligned(header_size + len(body))
    spans = []
    for view in raw:
        spans.append((place, view.nbytes))
        place = _aligned(place + view.nbytes)
    header = MAGIC + struct.pack(f"<QQ{2 * len(raw)}Q", len(body), len(raw), *sum(spans, ()))
    out = bytearray(place)
    out[: len(header)] = header
    out[len(header) : len(header) + len(body)] = body
    for (start, size), view in zip(spans, raw, strict=True):
        out[start : start + size] = view
    return bytes(out)


def loads(data) -> Any:
    """The object back from `dumps`' bytes or a memory map of them (arrays then view the map)."""
    view = memoryview(data)
    if bytes(view[: len(MAGIC)]) != MAGIC:
        raise ValueError("not an index snapshot")
    at = len(MAGIC)
    body_size, count = struct.unpack_from("<QQ", view, at)
    at += 16
    spans = struct.unpack_from(f"<{2 * count}Q", view, at)
    at += 16 * count
    body = view[at : at + body_size]
    buffers = [view[spans[i] : spans[i] + spans[i + 1]] for i in range(0, 2 * count, 2)]
    return pickle.loads(body, buffers=buffers)  # safe: our own file, written by `dumps`


def _aligned(n: int) -> int:
    return (n + ALIGN - 1) // ALIGN * ALIGN


def _local_path(name: str, version: str) -> Path:
    return Path(settings.INDEX_SNAPSHOT_DIR) / f"{name}-{_key(version)}.snapshot"


def _load_file(path: Path) -> Any:
    with open(path, "rb") as file:
        mapped = mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)
    return loads(mapped)  # the arrays keep the map alive; the file may go, the map stays valid


def _write_file(name: str, path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".part") as part:
        part.write(data)
    os.replace(part.name, path)  # readers see the whole file or none
    for old in sorted(path.parent.glob(f"{name}-*.snapshot"), key=_mtime)[:-KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


def load(name: str, version: str) -> Any | None:
    """The stored index for `version`: from this server's file, else from the database (then
    kept in a file for this server's other workers). None if nobody has built it yet."""
    path = _local_path(name, version)
    stored = IndexSnapshot.objects.filter(name=name, version=_key(version), data__isnull=False)
    # The file only if the database holds the same snapshot: a database restored or recreated
    # from scratch may reuse a version name with other content.
    if path.exists() and stored.exists():
        with contextlib.suppress(OSError, ValueError, pickle.UnpicklingError):
            return _load_file(path)
    data = stored.values_list("data", flat=True).first()
    if data is None:
        return None
    try:
        _write_file(name, path, bytes(data))
        return _load_file(path)
    except OSError:  # no writable folder: still served, only not shared through a file
        return loads(bytes(data))


def latest(name: str) -> tuple[str, Any] | None:
    """The most recently built stored index of any version, to serve while the current builds."""
    key = (
        IndexSnapshot.objects.filter(name=name, version__endswith=f".{CODE}", data__isnull=False)
        .values_list("version", flat=True)
        .first()
    )
    if key is None:
        return None
    version = key.removesuffix(f".{CODE}")
    found = load(name, version)
    return None if found is None else (version, found)


def stored(name: str) -> bool:
    """Whether any built index of this name is stored."""
    return IndexSnapshot.objects.filter(
        name=name, version__endswith=f".{CODE}", data__isnull=False
    ).exists()


def claim(name: str, version: str) -> bool:
    """True if this process is to build the index for `version`: nobody has, nobody is building
    this index for any version (a burst of edits must not start a build in every worker: the
    one building now picks up the latest version when done), or whoever claimed it gave up."""
    now = timezone.now()
    abandoned = now - timedelta(seconds=CLAIM_SECONDS)
    building = IndexSnapshot.objects.filter(name=name, data__isnull=True, claimed_at__gte=abandoned)
    if building.exclude(version=_key(version)).exists():
        return False
    # Every process asks at every poll while the index builds: answer from a read when this
    # version is built or claimed already, rather than attempting a write that fails.
    this_one = IndexSnapshot.objects.filter(name=name, version=_key(version))
    if this_one.filter(Q(data__isnull=False) | Q(claimed_at__gte=abandoned)).exists():
        return False
    try:
        with transaction.atomic():
            IndexSnapshot.objects.create(name=name, version=_key(version), claimed_at=now)
        return True
    except OperationalError:  # SQLite busy under a long import: ask again at the next poll
        return False
    except IntegrityError:
        return bool(
            IndexSnapshot.objects.filter(
                name=name, version=_key(version), data__isnull=True, claimed_at__lt=abandoned
            ).update(claimed_at=now)
        )


def release(name: str, version: str) -> None:
    """Give up this process's claim on building `version` (its build failed), so the next
    attempt, here or anywhere, may claim it at once rather than after CLAIM_SECONDS."""
    IndexSnapshot.objects.filter(name=name, version=_key(version), data__isnull=True).delete()


def save(name: str, version: str, obj: Any, inputs: str = "") -> None:
    """Store the built index for `version`; `inputs`, a digest of what its build read, lets a
    later version that reads the same be stored as a copy of it (`save_alike`)."""
    data = dumps(obj)
    with contextlib.suppress(OSError):
        _write_file(name, _local_path(name, version), data)
    _store(name, version, data, inputs)


def _store(name: str, version: str, data: bytes, inputs: str) -> None:
    IndexSnapshot.objects.update_or_create(
        name=name,
        version=_key(version),
        defaults={"data": data, "inputs": inputs, "claimed_at": timezone.now()},
    )
    stale = IndexSnapshot.objects.filter(name=name).values_list("pk", flat=True)[KEEP:]
    IndexSnapshot.objects.filter(pk__in=list(stale)).delete()


def save_alike(name: str, version: str, inputs: str) -> bool:
    """Store for `version` a copy of an index built from the same `inputs` (an edit that did not
    touch what this index reads), instead of building it. False if none is stored."""
    data = (
        IndexSnapshot.objects.filter(
            name=name, version__endswith=f".{CODE}", inputs=inputs, data__isnull=False
        )
        .values_list("data", flat=True)
        .first()
    )
    if not inputs or data is None:
        return False
    _store(name, version, bytes(data), inputs)
    return True


def same_inputs(name: str, version: str, other: str) -> bool:
    """Whether the index stored for `version` was built from what `other`'s was: a process
    holding `other`'s keeps it for `version` (nothing to load)."""
    inputs = dict(
        IndexSnapshot.objects.filter(
            name=name, version__in=[_key(version), _key(other)], data__isnull=False
        ).values_list("version", "inputs")
    )
    return bool(inputs.get(_key(version))) and inputs.get(_key(version)) == inputs.get(_key(other))
