from pathlib import Path

import pytest

from kepatuhan import dataset

TESTS = Path(__file__).parent


@pytest.fixture(scope="session")
def shipped():
    """The shipped data, validated and reconciled from data/raw (never from a stale cache)."""
    return dataset.build()


@pytest.fixture(scope="session")
def names(shipped):
    return shipped.names
