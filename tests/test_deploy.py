"""docker-compose.yml and the worker image: checked for structure (no Docker engine runs here)."""

from __future__ import annotations

import json
import re
import struct
from pathlib import Path

import jsonschema
import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())


def test_compose_runs_kafka_in_kraft_mode_a_worker_and_prometheus() -> None:
    services = compose()["services"]
    assert {"kafka", "worker", "prometheus"} <= set(services)
    kafka_env = services["kafka"]["environment"]
    assert "controller" in kafka_env["KAFKA_PROCESS_ROLES"] and "broker" in kafka_env["KAFKA_PROCESS_ROLES"]
    assert "KAFKA_ZOOKEEPER_CONNECT" not in kafka_env
    assert kafka_env["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false", "claimwatch declares its topics"


_BASE64URL = re.compile(r"[A-Za-z0-9_-]*")


def kafka_uuid_from_string(text: str) -> tuple[int, int]:
    """``org.apache.kafka.common.Uuid.fromString``: (most, least) significant bits, or ValueError.

    Kafka checks the length (at most 24 characters), decodes with Java's
    ``Base64.getUrlDecoder()`` (the URL-safe alphabet, padding optional, no other
    characters) and requires exactly 16 bytes. ``kafka-storage.sh format`` runs the
    image's ``CLUSTER_ID`` through it.
    """
    if len(text) > 24:
        raise ValueError(f"{text[:24]!r}... is too long to be decoded as a base64 UUID")
    body = text.rstrip("=")
    padding = len(text) - len(body)
    if not _BASE64URL.fullmatch(body) or padding > 2 or (padding and (len(body) + padding) % 4):
        raise ValueError(f"{text!r} is not base64url")
    if len(body) % 4 == 1:
        raise ValueError(f"{text!r}: last unit does not have enough valid bits")
    bits = "".join(
        format("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".index(c), "06b") for c in body
    )
    raw = bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits) - len(bits) % 8, 8))
    if len(raw) != 16:
        raise ValueError(f"{text!r} decoded as {len(raw)} bytes, not the 16 bytes of a base64-encoded UUID")
    most, least = struct.unpack(">qq", raw)
    return most, least


@pytest.mark.parametrize(
    "bad", ["claimwatch-kraft-0001", "BpaqH2RyQJ7fPyNxK06B2", "BpaqH2RyQJ7fPyNxK06B2g+", "BpaqH2RyQJ7fPyNxK06B2gAA"]
)
def test_the_uuid_decoder_rejects_what_kafka_rejects(bad: str) -> None:
    with pytest.raises(ValueError):
        kafka_uuid_from_string(bad)


def test_kraft_cluster_id_is_a_uuid_kafka_storage_format_accepts() -> None:
    cluster_id = str(compose()["services"]["kafka"]["environment"]["CLUSTER_ID"])
    most, least = kafka_uuid_from_string(cluster_id)
    assert len(cluster_id) == 22, "the unpadded form `kafka-storage.sh random-uuid` prints"
    assert (most, least) not in {(0, 0), (0, 1)}, "Uuid.ZERO_UUID and METADATA_TOPIC_ID are reserved"
    assert not cluster_id.startswith("-"), "Kafka never generates one: it would read as a command-line flag"


def test_compose_file_follows_the_compose_specification() -> None:
    """What ``docker compose config`` checks first: the file against the spec's JSON Schema."""
    schema = json.loads((REPO / "tests" / "vendor" / "compose-spec.json").read_text())
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(compose()), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    broken = compose()
    broken["services"]["worker"]["depends_on"]["kafka"]["condition"] = "service_happy"
    assert list(validator.iter_errors(broken)), "the schema must catch a wrong value"


def test_worker_points_at_the_compose_kafka_and_exposes_its_web_port() -> None:
    services = compose()["services"]
    worker = services["worker"]
    host = worker["environment"]["KAFKA_BOOTSTRAP_SERVERS"]
    advertised = services["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    assert f"//{host}" in advertised, "the worker must use a listener Kafka advertises inside the network"
    assert worker["depends_on"]["kafka"]["condition"] == "service_healthy"
    port = worker["environment"]["CLAIMWATCH_WEB_PORT"]
    assert any(str(p).endswith(f":{port}") for p in worker["ports"])
    assert (REPO / worker["build"] / "Dockerfile").is_file()


def test_prometheus_scrapes_the_worker_metrics_endpoint() -> None:
    services = compose()["services"]
    mount = next(v for v in services["prometheus"]["volumes"] if "prometheus.yml" in v)
    config_path = REPO / mount.split(":")[0]
    config = yaml.safe_load(config_path.read_text())
    port = services["worker"]["environment"]["CLAIMWATCH_WEB_PORT"]
    targets = [
        t
        for job in config["scrape_configs"]
        for sc in job.get("static_configs", [])
        for t in sc["targets"]
    ]
    assert f"worker:{port}" in targets
    job = next(
        j for j in config["scrape_configs"] if any(f"worker:{port}" in sc["targets"] for sc in j["static_configs"])
    )
    assert job.get("metrics_path", "/metrics") == "/metrics"


def test_dockerfile_installs_the_package_and_runs_the_worker() -> None:
    text = (REPO / "Dockerfile").read_text()
    assert "pip install ." in text
    # setup.py builds the compiled consensus kernel; without it the image is pure Python
    assert "setup.py" in text and "gcc" in text
    assert 'ENTRYPOINT ["claimwatch"]' in text and 'CMD ["worker"]' in text


def test_kubernetes_manifest_probes_and_config_match_the_worker() -> None:
    docs = list(yaml.safe_load_all((REPO / "deploy" / "kubernetes" / "worker.yaml").read_text()))
    kinds = {d["kind"]: d for d in docs}
    assert {"ConfigMap", "Secret", "Deployment", "Service"} <= set(kinds)
    config = kinds["ConfigMap"]["data"]
    port = int(config["CLAIMWATCH_WEB_PORT"])
    container = kinds["Deployment"]["spec"]["template"]["spec"]["containers"][0]
    assert container["args"] == ["worker"]
    assert container["ports"][0]["containerPort"] == port
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert kinds["Deployment"]["spec"]["replicas"] <= int(config["CLAIMWATCH_PARTITIONS"]), (
        "more workers than partitions would sit idle"
    )
    assert "KAFKA_BOOTSTRAP_SERVERS" in config, "a cluster is configured: the embedded broker never starts"


def _retention_env(env: dict) -> dict[str, int]:
    """The ``CLAIMWATCH_*_RETENTION_MS`` values, with compose's ``${VAR:-default}`` read as the default."""
    out = {}
    for name, value in env.items():
        if name.endswith("_RETENTION_MS"):
            text = str(value)
            match = re.fullmatch(r"\$\{[A-Z_]+:-(-?\d+)\}", text)
            out[name] = int(match.group(1) if match else text)
    return out


def test_compose_and_kubernetes_set_retention_the_worker_reads() -> None:
    from streams.config import Settings
    from streams.topics import Retention

    defaults = Retention()
    expected = {
        "CLAIMWATCH_ALERTS_RETENTION_MS": defaults.alerts_ms,
        "CLAIMWATCH_DEADLETTER_RETENTION_MS": defaults.deadletter_ms,
        "CLAIMWATCH_RETRY_RETENTION_MS": defaults.retry_ms,
        "CLAIMWATCH_SETTLE_RETENTION_MS": defaults.settle_ms,
    }
    docs = list(yaml.safe_load_all((REPO / "deploy" / "kubernetes" / "worker.yaml").read_text()))
    config_map = next(d for d in docs if d["kind"] == "ConfigMap")["data"]
    for env in (compose()["services"]["worker"]["environment"], config_map):
        found = _retention_env(env)
        assert found == expected, found
        for name, value in found.items():
            field = name.removeprefix("CLAIMWATCH_").lower()
            assert field in Settings.model_fields, f"{name} is not a setting the worker reads"
            assert Settings.model_fields[field].default == value, f"{name} differs from the documented default"
