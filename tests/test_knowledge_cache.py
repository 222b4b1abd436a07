"""The engine cache of the command line: faster starts, never a stale or broken answer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from knowledge import cache
from knowledge.cache import CACHE_DIR_ENV, load_engine
from knowledge.loading import KnowledgeBaseError, default_data_dir


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def data(tmp_path: Path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(default_data_dir(), copy)
    return copy


def test_a_second_start_reuses_the_built_engine(cache_folder, data, monkeypatch):
    first = load_engine(data)
    [cached] = cache_folder.glob("engine-*.pickle")

    def must_not_build(_data_dir: Path | None) -> None:
        raise AssertionError("built again although the cache was current")

    monkeypatch.setattr(cache, "load_knowledge_base", must_not_build)
    second = load_engine(data)
    assert second.knowledge.version == first.knowledge.version
    question = "who reprted the sag aftar 87% stat"  # exercises the restored typo cache
    assert second.ask(question) == first.ask(question)
    assert list(cache_folder.glob("engine-*.pickle")) == [cached]


def test_an_edit_to_the_data_is_built_afresh_and_replaces_the_old_entry(cache_folder, data):
    before = load_engine(data)
    facts = data / "facts.toml"
    old = "Writers have been on strike since May."
    facts.write_text(facts.read_text(encoding="utf-8").replace(old, "Writers struck in May."))
    after = load_engine(data)
    assert after.knowledge.version != before.knowledge.version
    assert after.knowledge.fact("writers-strike-start").answer == "Writers struck in May."
    assert len(list(cache_folder.glob("engine-*.pickle"))) == 1


def test_a_broken_edit_still_fails_loudly(cache_folder, data):
    load_engine(data)
    facts = data / "facts.toml"
    facts.write_text(facts.read_text(encoding="utf-8").replace('id = "who-wga"', 'id = ""', 1))
    with pytest.raises(KnowledgeBaseError):
        load_engine(data)


def test_a_corrupt_cache_file_is_rebuilt(cache_folder, data):
    load_engine(data)
    [cached] = cache_folder.glob("engine-*.pickle")
    cached.write_bytes(b"not a pickle")
    assert load_engine(data).ask("deepfake show?").fact_ids == ("deep-fake-love",)
    assert cached.read_bytes() != b"not a pickle"


def test_an_unwritable_cache_folder_only_means_no_cache(tmp_path, data, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_DIR_ENV, str(blocker / "cache"))
    assert load_engine(data).ask("deepfake show?").fact_ids == ("deep-fake-love",)


def test_an_empty_setting_turns_caching_off(tmp_path, data, monkeypatch):
    monkeypatch.setenv(CACHE_DIR_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    load_engine(data)
    assert not (tmp_path / "xdg").exists()
