"""The wheel carries the data and notebooks: `pip install kepatuhan` works outside the checkout.

Everything else is in pyproject.toml. When a wheel (not an editable install) is built, data/ (raw,
reference, RELEASE, README, licences) and notebooks/*.ipynb are copied byte for byte into the package as
`kepatuhan/_data` and `kepatuhan/_notebooks`, where `kepatuhan.paths` finds them. The checkout keeps
reading data/ directly, so an edit there takes effect without reinstalling.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: folder inside the package → (source folder, the names or globs shipped from it)
SHIPPED = {
    "_data": ("data", ("RELEASE", "README.md", "LICENSE-*", "raw/*.csv", "reference/*.csv",
                       "reference/LICENSE-*", "reference/boundaries/*")),
    "_notebooks": ("notebooks", ("*.ipynb",)),
}


class BuildWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        package = Path(self.build_lib) / "kepatuhan"
        for folder, (source, patterns) in SHIPPED.items():
            shutil.rmtree(package / folder, ignore_errors=True)  # a file deleted from data/ leaves no stale copy
            for pattern in patterns:
                for path in sorted((ROOT / source).glob(pattern)):
                    if path.is_file():
                        target = package / folder / path.relative_to(ROOT / source)
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(path.read_bytes())


setup(cmdclass={"build_py": BuildWithData})
