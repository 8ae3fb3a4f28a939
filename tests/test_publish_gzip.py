"""`kepatuhan build --gzip`: a deterministic .gz twin of every text file, none stale, none in the build state."""

import gzip
import subprocess
import sys

import pytest

from kepatuhan import build, dataset, publish

#: SYNTHETIC files of a stand-in reports folder (not real reports: the rule is about files).
FILES = {"index.html": b"<!DOCTYPE html><p>" + b"halo " * 200 + b"</p>", "assets/kepatuhan.css": b"body{}" * 100,
         "entity/17.02/2024.csv": b"a,b\n" + b"1,2\n" * 200, "assets/img/abc.png": b"\x89PNG" + b"0" * 500,
         ".build/manifest.json": b"{}" * 300, "robots.txt": b"User-agent: *\n"}


def _fill(folder):
    for name, content in FILES.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(content)
    return folder


@pytest.fixture
def folder(tmp_path):
    return _fill(tmp_path)


def _twins(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.gz"))


def test_every_text_file_gets_a_twin_holding_its_bytes(folder):
    written = publish.write_compressed(folder)
    # robots.txt is too short to shrink; the PNG is not text; the build state is never published
    expected = ["assets/kepatuhan.css.gz", "entity/17.02/2024.csv.gz", "index.html.gz"]
    assert _twins(folder) == expected == sorted(p.relative_to(folder).as_posix() for p in written)
    for name in expected:
        packed = (folder / name).read_bytes()
        assert gzip.decompress(packed) == FILES[name.removesuffix(".gz")]
        assert packed[:2] == b"\x1f\x8b" and packed[3] == 0  # no file name (FNAME) nor other optional field
        assert packed[4:8] == b"\0\0\0\0"  # modification time 0: the same bytes on every build


def test_twins_are_byte_identical_from_one_run_to_the_next(folder, tmp_path_factory):
    publish.write_compressed(folder)
    first = {name: (folder / name).read_bytes() for name in _twins(folder)}
    again = _fill(tmp_path_factory.mktemp("again"))
    code = "import sys, pathlib; from kepatuhan import publish; publish.write_compressed(pathlib.Path(sys.argv[1]))"
    subprocess.run([sys.executable, "-c", code, str(again)], check=True)  # another process, another moment
    assert {name: (again / name).read_bytes() for name in _twins(again)} == first


def test_no_twin_outlives_its_file_or_a_build_without_gzip(folder):
    publish.write_compressed(folder)
    (folder / "index.html").write_bytes(b"<p>" + b"baru " * 300)
    (folder / "entity/17.02/2024.csv").unlink()
    publish.write_compressed(folder)
    assert _twins(folder) == ["assets/kepatuhan.css.gz", "index.html.gz"]
    assert gzip.decompress((folder / "index.html.gz").read_bytes()) == (folder / "index.html").read_bytes()
    publish.write_compressed(folder, enabled=False)
    assert _twins(folder) == []
    assert (folder / "assets/img/abc.png").is_file() and (folder / ".build/manifest.json").is_file()


def test_a_gzip_build_compresses_its_pages_and_a_plain_one_removes_them(tmp_path):
    data = dataset.load()
    tasks = build.plan(data, only="entity", entity="17.02", year=2024, langs=("id",))
    build.run(tasks, tmp_path, data, workers=1, progress=False, gzip=True)
    pages = [p for p in tmp_path.rglob("*.html") if ".build" not in p.relative_to(tmp_path).parts]
    assert {"index.html", "2024.html", "methodology.html", "404.html"} <= {p.name for p in pages}
    for page in pages:
        assert gzip.decompress(page.with_name(page.name + ".gz").read_bytes()) == page.read_bytes()
    assert (tmp_path / "assets/kepatuhan.css.gz").is_file() and not list((tmp_path / ".build").rglob("*.gz"))
    build.run(tasks, tmp_path, data, workers=1, progress=False)
    assert not list(tmp_path.rglob("*.gz"))


def test_the_local_server_sends_a_twin_only_to_a_browser_that_accepts_gzip(folder):
    import functools
    import threading
    import urllib.request
    from http.server import ThreadingHTTPServer

    from kepatuhan.serve import PrecompressedHandler

    publish.write_compressed(folder)
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(PrecompressedHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        def get(path, encoding):
            request = urllib.request.Request(f"http://127.0.0.1:{server.server_port}{path}",
                                             headers={"Accept-Encoding": encoding})
            with urllib.request.urlopen(request) as answer:
                return answer.headers.get("Content-Encoding"), answer.headers.get("Content-Type"), answer.read()

        assert get("/", "gzip, deflate") == ("gzip", "text/html", (folder / "index.html.gz").read_bytes())
        assert get("/assets/kepatuhan.css", "br;q=1, gzip;q=0.8")[:2] == ("gzip", "text/css")
        assert get("/index.html", "identity") == (None, "text/html", FILES["index.html"])
        assert get("/robots.txt", "gzip")[::2] == (None, FILES["robots.txt"])  # no twin: the file itself
    finally:
        server.shutdown()
        server.server_close()
