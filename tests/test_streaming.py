"""A streamed export stays streamed under gzip (the first bytes leave before the whole result is
made), and one card runs a bounded number of exports at once."""
import gzip
import threading
import zlib

from blueprints import _exports
from db import export as csv_export
from tests.conftest import login

GZIP = {"Accept-Encoding": "gzip"}


def test_the_first_bytes_leave_before_the_whole_export_is_made(app, monkeypatch):
    made = []

    def slow_lines(business, session, stmt):
        for i in range(200):
            made.append(i)
            yield f"row {i}," + "x" * 2000 + "\r\n"

    monkeypatch.setattr(csv_export, "csv_lines", slow_lines)
    client = login(app.test_client(), "1100000000001")
    response = client.get("/query/export.csv?b=form", headers=GZIP, buffered=False)
    assert response.status_code == 200 and response.headers["Content-Encoding"] == "gzip"
    assert "Content-Length" not in response.headers
    stream = iter(response.response)
    first = next(stream)
    assert len(made) < 10  # only the first rows were made when the first bytes were ready
    inflate = zlib.decompressobj(31)
    assert inflate.decompress(first).startswith(b"row 0,")
    rest = b"".join(stream)
    response.close()
    assert gzip.decompress(first + rest).decode().count("\r\n") == 200 and len(made) == 200


def test_small_pages_are_still_compressed_whole(app):
    client = login(app.test_client(), "1100000000001")
    response = client.get("/enterprise/register", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert int(response.headers["Content-Length"]) == len(response.get_data())


def test_one_card_runs_a_bounded_number_of_exports(app):
    app.config.update(EXPORTS_PER_CARD=2, THREADS=8)  # 4 exports at once in all
    client = login(app.test_client(), "1100000000001")
    running = [client.get("/query/export.csv?b=form", buffered=False) for _ in range(2)]
    assert [r.status_code for r in running] == [200, 200]
    third = client.get("/query/export.csv?b=form")
    assert third.status_code == 429 and _exports.BUSY_CARD in third.get_data(as_text=True)
    other = []  # another card is not held up (its own thread: an open stream keeps its context here)
    thread = threading.Thread(target=lambda: other.append(
        login(app.test_client(), "1100000000003").get("/query/export.csv?b=form").status_code))
    thread.start()
    thread.join()
    assert other == [200]
    for response in reversed(running):  # streams keep their contexts: the last opened closes first
        response.close()  # the stream ends: the slots are given back
    assert client.get("/query/export.csv?b=form").status_code == 200


def test_exports_take_half_the_threads_at_most(app):
    app.config.update(EXPORTS_PER_CARD=2, THREADS=2)
    client = login(app.test_client(), "1100000000001")
    running = client.get("/query/export.csv?b=form", buffered=False)
    refused = client.get("/query/export.csv?b=form")
    assert refused.status_code == 429 and _exports.BUSY_SERVER in refused.get_data(as_text=True)
    running.close()


def test_an_export_gives_its_connections_back_when_it_ends(app, demo):
    """The stream reads on a session of its own and closes it at its end; the request's session closes
    with the request, not when the garbage collector finds the stream (the pool would run dry)."""
    client = login(app.test_client(), "2200000000001")
    for _ in range(demo.engine.pool.size() + 2):
        response = client.get("/query/export.csv?b=form", headers=GZIP)
        assert response.status_code == 200 and response.get_data()
        response.close()
        assert demo.engine.pool.checkedout() == 0
