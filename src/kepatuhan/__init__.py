"""kepatuhan: the Ombudsman RI compliance assessment as tidy tables, analyses and reports."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("kepatuhan")
except PackageNotFoundError:  # running from a source tree that was not installed
    __version__ = "0+unknown"
