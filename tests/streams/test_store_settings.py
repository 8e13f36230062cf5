"""The Table store a worker is given (CLAIMWATCH_STORE, CLAIMWATCH_DATA_DIR) and the read
model's start (CLAIMWATCH_READMODEL_TAIL)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from streams import config
from streams.app import faust_settings
from streams.config import Settings


def test_the_on_disk_store_is_the_default_when_there_is_a_data_directory() -> None:
    settings = Settings(kafka_bootstrap_servers="broker.invalid:9092")
    assert settings.data_dir
    assert settings.store_url == "rocksdb://"
    assert settings.store_on_disk
    assert faust_settings(settings)["store"] == "rocksdb://"


def test_without_a_data_directory_or_rocksdict_tables_live_in_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings(data_dir="").store_url == "memory://"
    monkeypatch.setattr(config, "_rocksdict_available", lambda: False)
    assert Settings().store_url == "memory://"
    assert not Settings().store_on_disk


@pytest.mark.parametrize("url", ["memory://", "rocksdb://"])
def test_an_explicit_store_wins(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMWATCH_STORE", url)
    settings = Settings()
    assert settings.store_url == url
    assert faust_settings(settings)["store"] == url


def test_an_unknown_store_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMWATCH_STORE", "redis://localhost")
    with pytest.raises(ValidationError, match="store must be one of"):
        Settings()


def test_the_read_model_tail_is_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().readmodel_tail == 1000
    monkeypatch.setenv("CLAIMWATCH_READMODEL_TAIL", "-1")
    assert Settings().readmodel_tail == -1
    monkeypatch.setenv("CLAIMWATCH_READMODEL_TAIL", "-2")
    with pytest.raises(ValidationError):
        Settings()


def test_the_data_directory_is_faust_s(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("CLAIMWATCH_DATA_DIR", str(tmp_path))
    assert faust_settings(Settings())["datadir"] == str(tmp_path)
