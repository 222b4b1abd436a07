"""Keep the built answer engine between runs of the command line.

Building it (parsing the TOML, validating, locating every quote in the article, indexing)
costs over a hundred milliseconds, which `python -m bot ask` would otherwise pay at every
start. The cache file is named after a hash of the data files *and* of this package's code,
so an edit to either is built afresh (and validated: a broken edit still fails loudly). A
missing, stale, corrupt or unwritable cache only ever means building afresh.

The file is a pickle in the user's own cache folder, trusted as the user's own site-packages
are; set CITED_FACTS_CACHE_DIR to move it, or to an empty value to turn caching off.
"""

from __future__ import annotations

import hashlib
import logging
import os
import pickle
import sys
import tempfile
from pathlib import Path

import pydantic

from knowledge.engine import AnswerEngine
from knowledge.loading import default_data_dir, load_knowledge_base

CACHE_DIR_ENV = "CITED_FACTS_CACHE_DIR"
_PREFIX = "engine-"

log = logging.getLogger(__name__)


def cache_dir() -> Path | None:
    """Where cached engines live, or None when caching is turned off."""
    configured = os.environ.get(CACHE_DIR_ENV)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "cited-facts-bot"


def load_engine(data_dir: Path | None = None) -> AnswerEngine:
    """The engine for `data_dir`, from the cache when it is current, else built and cached.

    Raises KnowledgeBaseError exactly as `load_knowledge_base` does.
    """
    folder = cache_dir()
    if folder is None:
        return AnswerEngine(load_knowledge_base(data_dir))
    path = folder / f"{_PREFIX}{_key(data_dir or default_data_dir())}.pickle"
    cached = _read(path)
    if cached is not None:
        return cached
    engine = AnswerEngine(load_knowledge_base(data_dir))
    _write(path, engine)
    return engine


def _key(data_dir: Path) -> str:
    """Changes whenever a data file, this package's code, Python or pydantic changes."""
    digest = hashlib.sha256(f"{sys.version}|{pydantic.VERSION}".encode())
    code = sorted(Path(__file__).parent.glob("*.py"))
    data = sorted(p for p in data_dir.iterdir() if p.is_file()) if data_dir.is_dir() else []
    for path in [*code, *data]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:20]


def _read(path: Path) -> AnswerEngine | None:
    try:
        with path.open("rb") as handle:
            engine = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception as error:
        log.debug("ignoring unreadable cache %s: %s", path, error)
        return None
    return engine if isinstance(engine, AnswerEngine) else None


def _write(path: Path, engine: AnswerEngine) -> None:
    """Store atomically (a reader never sees half a file) and drop older engines."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False)  # noqa: SIM115
    except OSError as error:
        log.debug("not caching the engine in %s: %s", path.parent, error)
        return
    try:
        with handle:
            pickle.dump(engine, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except (OSError, pickle.PicklingError) as error:
        Path(handle.name).unlink(missing_ok=True)
        log.debug("not caching the engine in %s: %s", path, error)
        return
    for old in path.parent.glob(f"{_PREFIX}*.pickle"):
        if old != path:
            old.unlink(missing_ok=True)
