"""Endpoint configuration from the environment and from JSON/YAML files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from streams.delivery.endpoints import ConfigError, Endpoint, load_endpoints, redact_url


def test_simple_env_form_gives_signed_native_endpoints() -> None:
    eps = load_endpoints(
        {
            "CLAIMWATCH_WEBHOOK_URLS": "http://127.0.0.1:9001/a, https://hooks.example.net/b/t0k ,",
            "CLAIMWATCH_WEBHOOK_SECRET": "pepper",
        }
    )
    assert [e.name for e in eps] == ["webhook-1", "webhook-2"]
    assert all(e.format == "native" and e.secret_value == "pepper" for e in eps)
    assert eps[1].url == "https://hooks.example.net/b/t0k"


def test_unset_env_means_no_endpoints() -> None:
    assert load_endpoints({}) == []
    assert load_endpoints({"CLAIMWATCH_WEBHOOK_URLS": " "}) == []


def test_without_secret_endpoints_are_unsigned() -> None:
    [ep] = load_endpoints({"CLAIMWATCH_WEBHOOK_URLS": "http://localhost:1/x"})
    assert ep.secret_value is None


def test_yaml_file_with_formats_and_per_endpoint_settings(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("PAGER_HOOK_SECRET", "from-the-env")
    path = tmp_path / "hooks.yaml"
    path.write_text(
        """
endpoints:
  - name: pager
    url: https://pager.example.com/hook
    format: alertmanager
    secret_env: PAGER_HOOK_SECRET
    timeout_seconds: 3
    max_attempts: 12
    max_age_seconds: 900
  - name: newsroom
    url: https://hooks.slack.com/services/T1/B2/abc
    format: slack
    secret: inline-one
"""
    )
    eps = load_endpoints(
        {"CLAIMWATCH_WEBHOOKS_FILE": str(path), "CLAIMWATCH_WEBHOOK_URLS": "http://127.0.0.1:8/x"}
    )
    assert [e.name for e in eps] == ["pager", "newsroom", "webhook-1"]
    pager = eps[0]
    assert pager.format == "alertmanager" and pager.secret_value == "from-the-env"
    assert pager.timeout_seconds == 3
    assert pager.policy.max_attempts == 12 and pager.policy.max_age == 900
    assert eps[1].format == "slack" and eps[1].secret_value == "inline-one"


def test_json_file_as_a_bare_list(tmp_path: Path) -> None:
    path = tmp_path / "hooks.json"
    path.write_text(json.dumps([{"name": "audit", "url": "http://10.0.0.5:8080/in"}]))
    [ep] = load_endpoints({"CLAIMWATCH_WEBHOOKS_FILE": str(path)})
    assert ep.name == "audit" and ep.format == "native" and ep.max_attempts == 30


@pytest.mark.parametrize(
    ("entries", "message"),
    [
        ([{"name": "x", "url": "ftp://files.example.com/drop"}], "http"),
        ([{"name": "x", "url": "http://a/b", "format": "teams"}], "format"),
        ([{"name": "x", "url": "http://a/b", "timeout_seconds": 0}], "timeout_seconds"),
        ([{"name": "x", "url": "http://a/b", "retries": 3}], "retries"),
        ([{"name": "d", "url": "http://a/b"}, {"name": "d", "url": "http://c/d"}], "named 'd'"),
        ([{"name": "x", "url": "http://a/b", "secret_env": "NOT_SET_ANYWHERE_42"}], "secret_env"),
        ({"something": "else"}, "list of endpoints"),
    ],
)
def test_bad_files_are_refused_with_a_useful_message(tmp_path: Path, entries, message) -> None:
    path = tmp_path / "hooks.json"
    path.write_text(json.dumps(entries))
    with pytest.raises(ConfigError, match=message):
        load_endpoints({"CLAIMWATCH_WEBHOOKS_FILE": str(path)})


def test_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_endpoints({"CLAIMWATCH_WEBHOOKS_FILE": str(tmp_path / "absent.yaml")})


def test_secrets_and_url_tokens_stay_out_of_reprs_and_errors(tmp_path: Path) -> None:
    ep = Endpoint(
        name="chat",
        url="https://hooks.slack.com/services/T1/B2/sEcReTtOkEn",
        secret="hunter2-very-secret",
    )
    for text in (repr(ep), str(ep), ep.describe(), repr(ep.model_dump())):
        assert "hunter2-very-secret" not in text
    assert "sEcReTtOkEn" not in repr(ep)
    assert redact_url("https://user:pw@hooks.example.com:8443/a/b?token=x") == (
        "https://hooks.example.com:8443/…"
    )
    path = tmp_path / "hooks.json"
    path.write_text(json.dumps([{"name": "x", "url": "gopher://h/q", "secret": "do-not-print"}]))
    with pytest.raises(ConfigError) as info:
        load_endpoints({"CLAIMWATCH_WEBHOOKS_FILE": str(path)})
    assert "do-not-print" not in str(info.value)
