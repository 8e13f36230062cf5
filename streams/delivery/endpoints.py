"""Webhook endpoints from configuration.

Two ways to configure them, which add up:

* Simplest: ``CLAIMWATCH_WEBHOOK_URLS`` (comma-separated URLs) and
  ``CLAIMWATCH_WEBHOOK_SECRET``: every alert goes to every URL in the native
  format, signed with that one secret. The endpoints are named ``webhook-1``,
  ``webhook-2``, ... in the order given.
* Richer: ``CLAIMWATCH_WEBHOOKS_FILE`` names a JSON or YAML file (YAML needs
  PyYAML) holding a list of endpoints, or ``{"endpoints": [...]}``::

      - name: incident-bridge
        url: https://alerts.example.org/hooks/claimwatch
        format: alertmanager          # native (default) | alertmanager | slack
        secret_env: BRIDGE_SECRET     # or `secret: ...` inline (keep the file private)
        timeout_seconds: 5
        max_attempts: 30
        max_age_seconds: 3600
      - name: newsroom-slack
        url: https://hooks.slack.com/services/T000/B000/XXXX
        format: slack

  Optional per endpoint: ``external_url`` (claimwatch's address, the
  Alertmanager body's ``externalURL``; default ``CLAIMWATCH_EXTERNAL_URL``),
  ``resolve_after_seconds`` (Alertmanager: how long a firing alert lasts unless
  resolved first, default 86400), ``kinds`` (the alert kinds it receives; default
  every kind but ``update``, a cumulative figure growing as the story unfolds,
  which pages no one unless an endpoint lists it: ``kinds: [update, dispute,
  retraction, ...]``; the kinds are ``streams.contradiction.KINDS``), ``concurrency`` (requests in flight, default 4),
  ``base_delay_seconds`` and ``max_delay_seconds`` (the backoff), ``headers``
  (extra request headers, e.g. an ``Authorization`` for a gateway).

Secrets are ``SecretStr`` and URLs are shown redacted (:func:`redact_url`) in
logs and reprs: a Slack webhook URL is itself a credential.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from streams.delivery.formats import Format
from streams.delivery.retry import RetryPolicy

URLS_ENV = "CLAIMWATCH_WEBHOOK_URLS"
SECRET_ENV = "CLAIMWATCH_WEBHOOK_SECRET"
FILE_ENV = "CLAIMWATCH_WEBHOOKS_FILE"
#: claimwatch's API and dashboard base URL, the ``external_url`` of endpoints that give none
EXTERNAL_URL_ENV = "CLAIMWATCH_EXTERNAL_URL"
#: kinds no endpoint receives unless it lists them in ``kinds``: a cumulative
#: figure growing (``streams.contradiction.UPDATE``) is the story unfolding
UNPAGED_KINDS = frozenset(("update",))


class ConfigError(ValueError):
    """The webhook configuration is unusable; the message names the endpoint, never a secret."""


def redact_url(url: str) -> str:
    """``scheme://host[:port]/…``: enough to recognise the endpoint, no path tokens or passwords."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    tail = "/…" if parts.path not in ("", "/") or parts.query else ""
    return f"{parts.scheme}://{host}{port}{tail}"


class Endpoint(BaseModel):
    """One webhook receiver and how to deliver to it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    url: str
    format: Format = "native"
    secret: SecretStr | None = None
    #: Name of an environment variable holding the secret (keeps it out of the file).
    secret_env: str | None = None
    timeout_seconds: float = Field(default=10.0, gt=0)
    max_attempts: int = Field(default=30, ge=1)
    max_age_seconds: float = Field(default=3600.0, gt=0)
    base_delay_seconds: float = Field(default=0.5, ge=0)
    max_delay_seconds: float = Field(default=60.0, ge=0)
    concurrency: int = Field(default=4, ge=1, le=256)
    headers: dict[str, str] = Field(default_factory=dict)
    #: claimwatch's own address for receivers (Alertmanager's ``externalURL``); empty:
    #: ``CLAIMWATCH_EXTERNAL_URL``
    external_url: str = ""
    #: Alertmanager format: a firing alert's ``endsAt`` is this long after ``startsAt``
    #: (it expires then unless a resolved notification came first)
    resolve_after_seconds: float = Field(default=86400.0, gt=0)
    #: alert kinds delivered here; None: every kind but those in ``UNPAGED_KINDS``
    kinds: frozenset[str] | None = None

    def wants(self, kind: str) -> bool:
        """Whether an alert of ``kind`` is delivered to this endpoint."""
        return kind not in UNPAGED_KINDS if self.kinds is None else kind in self.kinds

    @field_validator("url")
    @classmethod
    def _http_url(cls, v: str) -> str:
        parts = urlsplit(v.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("must be an http:// or https:// URL")
        return v.strip()

    @model_validator(mode="after")
    def _resolve_secret_env(self) -> Endpoint:
        if self.secret_env and self.secret is None:
            value = os.environ.get(self.secret_env)
            if not value:
                raise ValueError(f"secret_env {self.secret_env} is not set")
            object.__setattr__(self, "secret", SecretStr(value))
        return self

    @property
    def secret_value(self) -> str | None:
        """The secret itself, for signing only; ``None`` when unsigned."""
        if self.secret is None:
            return None
        return self.secret.get_secret_value() or None

    @property
    def policy(self) -> RetryPolicy:
        return RetryPolicy(
            base_delay=self.base_delay_seconds,
            max_delay=self.max_delay_seconds,
            max_attempts=self.max_attempts,
            max_age=self.max_age_seconds,
        )

    def describe(self) -> str:
        """Safe for logs: name, format and redacted URL."""
        signed = "signed" if self.secret_value else "unsigned"
        return f"{self.name} ({self.format}, {signed}) {redact_url(self.url)}"

    def __repr__(self) -> str:
        return f"Endpoint({self.describe()})"

    __str__ = describe


def from_urls(urls: str, secret: str | None) -> list[Endpoint]:
    """Endpoints of the simplest form: native format, one shared secret."""
    out = []
    for i, url in enumerate(u.strip() for u in urls.split(",") if u.strip()):
        try:
            out.append(
                Endpoint(
                    name=f"webhook-{i + 1}",
                    url=url,
                    secret=SecretStr(secret) if secret else None,
                )
            )
        except ValueError as exc:
            raise ConfigError(f"{URLS_ENV} entry {i + 1}: {_first_error(exc)}") from None
    return out


def _first_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        errs = errors()
        if errs:
            loc = ".".join(str(p) for p in errs[0].get("loc", ()))
            return f"{loc}: {errs[0].get('msg')}" if loc else str(errs[0].get("msg"))
    return str(exc).splitlines()[0]


def parse_entries(data: Any, *, origin: str = "webhooks file") -> list[Endpoint]:
    """Endpoints from already-parsed JSON/YAML (a list, or ``{"endpoints": [...]}``)."""
    if isinstance(data, Mapping):
        data = data.get("endpoints", data.get("webhooks"))
    if not isinstance(data, list):
        raise ConfigError(f"{origin}: expected a list of endpoints")
    out = []
    for i, entry in enumerate(data):
        if not isinstance(entry, Mapping):
            raise ConfigError(f"{origin}: entry {i + 1} is not a mapping")
        label = entry.get("name") or f"entry {i + 1}"
        try:
            out.append(Endpoint.model_validate(dict(entry)))
        except ValueError as exc:
            raise ConfigError(f"{origin}: endpoint {label}: {_first_error(exc)}") from None
    return out


def load_file(path: str | Path) -> list[Endpoint]:
    """Endpoints from a JSON (``.json``) or YAML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read {FILE_ENV}={path}: {exc.strerror}") from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: invalid JSON: {exc}") from None
    else:
        try:
            import yaml
        except ImportError:  # pragma: no cover - pyyaml is a dev dependency
            raise ConfigError(f"{path}: YAML needs PyYAML (or use a .json file)") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: invalid YAML: {exc}") from None
    return parse_entries(data, origin=str(path))


def load_endpoints(env: Mapping[str, str] | None = None) -> list[Endpoint]:
    """Every configured endpoint: the file's, then the URL list's. Names must be unique."""
    env = os.environ if env is None else env
    endpoints: list[Endpoint] = []
    if env.get(FILE_ENV):
        endpoints.extend(load_file(env[FILE_ENV]))
    if env.get(URLS_ENV):
        endpoints.extend(from_urls(env[URLS_ENV], env.get(SECRET_ENV) or None))
    base = (env.get(EXTERNAL_URL_ENV) or "").strip()
    if base:
        endpoints = [ep if ep.external_url else ep.model_copy(update={"external_url": base})
                     for ep in endpoints]
    seen: set[str] = set()
    for ep in endpoints:
        if ep.name in seen:
            raise ConfigError(f"two webhook endpoints are named {ep.name!r}")
        seen.add(ep.name)
    return endpoints
