"""The deployment files: the Dockerfile lints clean (hadolint), compose.yaml is valid compose (its JSON
schema) and wires the two instances as documented, and nginx reads deploy/nginx.conf (`nginx -t`) and
serves the app through it: TLS with HSTS, compression, a year's caching of static files, its own
X-Forwarded-For and request id."""
import gzip
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from db.engine import Database
from tests.conftest import BACKEND

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
BROTLI = Path("/usr/share/nginx/modules/ngx_http_brotli_filter_module.so")
pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="the deployment files do not depend on the database: "
                                                               "checked once, on the SQLite run")
needs_nginx = pytest.mark.skipif(not NGINX, reason="nginx is not installed (make nginx: Debian's nginx-light)")


def test_dockerfile_is_hadolint_clean_and_installs_the_package():
    result = subprocess.run([str(BIN / "hadolint"), "Dockerfile"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert " -e " not in dockerfile and "pip install --no-cache-dir --prefix=/install ." in dockerfile
    assert "HEALTHCHECK" in dockerfile and "deploy/healthcheck.py" in dockerfile
    assert "\nUSER 10001\n" in dockerfile


def test_the_image_builds_from_every_file_the_package_installs():
    """The build stage COPYs file by file: each module and package folder pyproject.toml installs must be
    among them (without serving.py `eportfx serve` cannot start; without translations/ no English)."""
    import tomllib

    build_stage = (ROOT / "Dockerfile").read_text().split("\nFROM ")[1]  # after the header comment
    copied = {source.rstrip("/") for line in build_stage.splitlines() if line.startswith("COPY ")
              for source in line.split()[1:-1]}
    tool = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    wanted = {f"{module}.py" for module in tool["py-modules"]}
    wanted |= {pattern.rstrip("*") for pattern in tool["packages"]["find"]["include"]}
    assert wanted <= copied, sorted(wanted - copied)


def _compose():
    return YAML(typ="safe").load((ROOT / "compose.yaml").read_text())


def test_compose_file_matches_the_compose_schema(tmp_path):
    check = [str(BIN / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec"]
    assert subprocess.run([*check, str(ROOT / "compose.yaml")], capture_output=True).returncode == 0
    broken = tmp_path / "compose.yaml"
    broken.write_text((ROOT / "compose.yaml").read_text().replace("condition: service_healthy", "condition: up", 1))
    assert subprocess.run([*check, str(broken)], capture_output=True).returncode == 1


def test_compose_runs_two_instances_that_share_what_they_must():
    services = _compose()["services"]
    app1, app2, proxy = services["app1"], services["app2"], services["proxy"]
    for name in ("EPORTFX_DATABASE_URL", "EPORTFX_SECRET_KEY", "EPORTFX_REDIS_URL"):
        assert app1["environment"][name] == app2["environment"][name]
    assert app1["environment"]["EPORTFX_PROXY_COUNT"] == 1
    assert "ports" not in app1 and "ports" not in app2  # reached only through the proxy
    assert app2["depends_on"]["app1"] == {"condition": "service_healthy"}
    assert app2["depends_on"]["db"] == {"condition": "service_healthy"}
    assert proxy["depends_on"] == {"app1": {"condition": "service_healthy"}, "app2": {"condition": "service_healthy"}}
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in proxy["volumes"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _nginx_config(tmp_path: Path, upstream: int, http: int, https: int, timeout: str = "120s") -> Path:
    """deploy/nginx.conf with the compose host names and the certificate paths pointed at this machine
    (and the general read timeout `timeout`)."""
    certs = tmp_path / "certs"
    certs.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
                    "-keyout", str(certs / "privkey.pem"), "-out", str(certs / "fullchain.pem")],
                   check=True, capture_output=True)
    site = ((ROOT / "deploy" / "nginx.conf").read_text()
            .replace("app1:8000", f"127.0.0.1:{upstream}").replace("app2:8000", f"127.0.0.1:{upstream}")
            .replace("/etc/nginx/certs", str(certs)).replace("/var/log/nginx", str(tmp_path))
            .replace("listen 80;", f"listen 127.0.0.1:{http};").replace("listen 443 ", f"listen 127.0.0.1:{https} ")
            .replace("proxy_read_timeout 120s;", f"proxy_read_timeout {timeout};"))
    (tmp_path / "site.conf").write_text(site)
    brotli = ""
    if BROTLI.exists():
        brotli = f"include {ROOT / 'deploy' / 'nginx-brotli.conf'};"
    main = tmp_path / "nginx.conf"
    main.write_text(f"""
{f"load_module {BROTLI};" if brotli else ""}
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
worker_processes 1;
events {{ worker_connections 64; }}
http {{
  include /etc/nginx/mime.types;
  client_body_temp_path {tmp_path}/body;
  proxy_temp_path {tmp_path}/proxy;
  {brotli}
  include {tmp_path}/site.conf;
}}
""")
    return main


@needs_nginx
def test_nginx_reads_the_configuration(tmp_path):
    main = _nginx_config(tmp_path, _free_port(), _free_port(), _free_port())
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@pytest.fixture
def proxied(demo, tmp_path):
    """The app as compose.yaml runs it (one trusted proxy), served by waitress as `eportfx serve` does."""
    from waitress import wasyncore
    from waitress.server import create_server

    from app import create_app
    from serving import waitress_options

    app = create_app({"TESTING": True, "DATABASE": demo, "DATABASE_URL": demo.url, "SECRET_KEY": "test-secret",
                      "LOGIN_RATE_PER_MINUTE": 10_000, "INSTANCE": str(tmp_path), "PROXY_COUNT": 1})
    server = create_server(app, host="127.0.0.1", port=0, threads=2, **waitress_options(app))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield app, server.effective_port
    wasyncore.close_all(server._map)
    server.task_dispatcher.shutdown()
    thread.join(timeout=5)


@needs_nginx
def test_nginx_serves_the_app_with_tls_compression_and_caching(proxied, tmp_path):
    app, port = proxied
    http, https = _free_port(), _free_port()
    main = _nginx_config(tmp_path, port, http, https)
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(main), "-g", "daemon off;"],
                             stderr=subprocess.PIPE)
    seen = []

    @app.after_request
    def remember(response):
        from flask import request

        from blueprints._requestlog import request_id

        seen.append((request.remote_addr, request.scheme, request_id()))
        return response

    try:
        insecure = ssl.create_default_context()
        insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE
        base = f"https://127.0.0.1:{https}"
        for _ in range(50):
            try:
                urllib.request.urlopen(f"{base}/healthz", context=insecure, timeout=2)
                break
            except OSError:
                time.sleep(0.1)

        def get(path, **headers):
            request = urllib.request.Request(f"{base}{path}", headers=headers)
            return urllib.request.urlopen(request, context=insecure, timeout=5)

        page = get("/login", **{"Accept-Encoding": "gzip", "X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "ftp"})
        assert page.headers["Content-Encoding"] == "gzip" and "IC卡号" in gzip.decompress(page.read()).decode()
        assert page.headers["Strict-Transport-Security"] == "max-age=63072000"
        assert seen[-1][:2] == ("127.0.0.1", "https")  # the client's X-Forwarded-For was not believed
        assert seen[-1][2] == page.headers["X-Request-ID"] and len(seen[-1][2]) == 32  # nginx's $request_id
        css = get("/static/css/app.css?v=1", **{"Accept-Encoding": "gzip"})
        assert css.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert css.headers["Content-Encoding"] == "gzip"
        if BROTLI.exists():
            assert get("/login", **{"Accept-Encoding": "br"}).headers["Content-Encoding"] == "br"
        assert get("/healthz").read() == b"ok\n"
        with pytest.raises(urllib.error.HTTPError) as moved:
            opener = urllib.request.build_opener(NoRedirect)
            opener.open(f"http://127.0.0.1:{http}/login?x=1", timeout=5)
        assert moved.value.code == 301
        assert moved.value.headers["Location"] == "https://127.0.0.1/login?x=1"
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


@needs_nginx
def test_nginx_waits_for_a_demo_reset_longer_than_for_other_requests(proxied, tmp_path):
    """重置演示数据 answers only once the demo is seeded again (a minute or more with a class): its own
    location waits 600 s where any other request is cut at the general timeout (shortened here to 1 s)."""
    app, port = proxied
    slow = lambda: (time.sleep(2.5), "done")[1]  # noqa: E731
    app.add_url_rule("/demo/reset", "slow_reset", slow)
    app.add_url_rule("/slow", "slow", slow)
    https = _free_port()
    main = _nginx_config(tmp_path, port, _free_port(), https, timeout="1s")
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(main), "-g", "daemon off;"],
                             stderr=subprocess.PIPE)
    insecure = ssl.create_default_context()
    insecure.check_hostname, insecure.verify_mode = False, ssl.CERT_NONE
    try:
        for _ in range(50):
            try:
                urllib.request.urlopen(f"https://127.0.0.1:{https}/healthz", context=insecure, timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        with pytest.raises(urllib.error.HTTPError) as cut:
            urllib.request.urlopen(f"https://127.0.0.1:{https}/slow", context=insecure, timeout=10)
        assert cut.value.code == 504
        answer = urllib.request.urlopen(f"https://127.0.0.1:{https}/demo/reset", context=insecure, timeout=10)
        assert answer.read() == b"done" and answer.headers["Strict-Transport-Security"] == "max-age=63072000"
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed")
def test_systemd_units_verify(tmp_path):
    eportfx = BIN / "eportfx"
    for name in ("eportfx.service", "eportfx-backup.service", "eportfx-backup.timer"):
        text = (ROOT / "deploy" / name).read_text().replace("/opt/eportfx/bin/eportfx", str(eportfx))
        (tmp_path / name).write_text(text)
    result = subprocess.run(["systemd-analyze", "verify", "--man=no", "eportfx.service", "eportfx-backup.service",
                             "eportfx-backup.timer"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


def test_the_image_health_probe(proxied, tmp_path):
    app, port = proxied
    probe = [sys.executable, str(ROOT / "deploy" / "healthcheck.py")]
    assert subprocess.run(probe, env={"EPORTFX_PORT": str(port)}, timeout=30).returncode == 0
    assert subprocess.run(probe, env={"EPORTFX_PORT": str(_free_port())}, timeout=30).returncode == 1
    app.extensions["eportfx_db"] = Database(f"sqlite:///{tmp_path}/gone/eportfx.db")  # the database is gone
    assert subprocess.run(probe, env={"EPORTFX_PORT": str(port)}, timeout=30).returncode == 1
