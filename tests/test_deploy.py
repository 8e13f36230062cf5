"""docker-compose.yml and the worker image: checked for structure (no Docker engine runs here)."""

from __future__ import annotations

from pathlib import Path

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
