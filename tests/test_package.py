"""The project installs as a package (not editable, as the Docker image installs it) and runs from there:
templates, static files, migrations and code data travel with it."""
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "sqlite", reason="the package does not depend on the database: "
                                                               "installed once, on the SQLite run")

ROOT = Path(__file__).resolve().parent.parent

RUN_INSTALLED = """
import sys
from pathlib import Path
import app, db
assert Path(app.__file__).parent == Path(sys.argv[1]), app.__file__
from app import create_app
from db import migrate
application = create_app({"DATABASE_URL": f"sqlite:///{sys.argv[2]}/eportfx.db", "INSTANCE": sys.argv[2]})
migrate.init_db(application.extensions["eportfx_db"])
client = application.test_client()
login = client.get("/login")
assert login.status_code == 200 and "IC卡号" in login.get_data(as_text=True), login.status_code
assert client.get("/static/css/app.css").status_code == 200
assert client.get("/healthz").get_data(as_text=True) == "ok\\n"
print("installed app ok")
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    target = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-compile", "--target",
                    str(target), str(ROOT)], check=True, capture_output=True)
    return target


def test_every_template_static_file_and_migration_is_installed(installed):
    tracked = subprocess.run(["git", "ls-files", "templates", "static", "db"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.split()
    missing = [name for name in tracked if not (installed / name).is_file()]
    assert tracked and not missing


def test_the_installed_copy_serves(installed, tmp_path):
    result = subprocess.run([sys.executable, "-c", RUN_INSTALLED, str(installed), str(tmp_path)], cwd=tmp_path,
                            env={"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin"}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "installed app ok" in result.stdout
