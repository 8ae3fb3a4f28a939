"""Serve a reports folder on this machine as a host would: a file's `.gz` twin (`kepatuhan build --gzip`)
goes to a browser that accepts gzip, with the file's own type, so `make audit` measures the bytes a
compressing host sends (Python's http.server alone sends every page uncompressed).

Standard library only, runnable by path (`python3 src/kepatuhan/serve.py 8000 --directory reports`), so
`make serve` and `make audit` need no installed package.
"""

from __future__ import annotations

import argparse
import functools
import os
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer


class PrecompressedHandler(SimpleHTTPRequestHandler):
    """http.server's handler, sending `<file>.gz` as `<file>` with Content-Encoding: gzip when asked."""

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path) and self.path.split("?", 1)[0].endswith("/"):
            path = os.path.join(path, "index.html")
        twin = path + ".gz"
        accepted = {part.split(";")[0].strip() for part in self.headers.get("Accept-Encoding", "").split(",")}
        if "gzip" not in accepted or not (os.path.isfile(path) and os.path.isfile(twin)):
            return super().send_head()
        handle = open(twin, "rb")  # noqa: SIM115  (http.server's contract: send_head returns the open file)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(path))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(os.fstat(handle.fileno()).st_size))
        self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        return handle

    def log_message(self, format, *args):  # noqa: A002  (http.server's signature)
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("port", type=int)
    parser.add_argument("--directory", default="reports")
    parser.add_argument("--bind", default="127.0.0.1")
    args = parser.parse_args(argv)
    handler = functools.partial(PrecompressedHandler, directory=args.directory)
    with ThreadingHTTPServer((args.bind, args.port), handler) as server:
        print(f"Serving {args.directory} on http://{args.bind}:{args.port}/ (Ctrl-C stops)", file=sys.stderr)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
