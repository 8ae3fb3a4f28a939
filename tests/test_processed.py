"""The processed/ stage is a cache: `load()` (the processed CSVs) gives what `build()` (the raw files) gives.

Column by column and dtype by dtype, and both in the types data/reference/columns.csv declares, so a
notebook never sees `year` as text on one path and as a number on the other.
"""

import shutil

import pandas as pd
import pytest

from kepatuhan import dataset, schema

#: Frictionless type in columns.csv → the test a pandas column of that type passes (an independent statement)
KIND = {"string": pd.api.types.is_string_dtype, "integer": pd.api.types.is_integer_dtype,
        "number": pd.api.types.is_float_dtype, "boolean": pd.api.types.is_bool_dtype}


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The shipped raw and reference data copied to a fresh folder, processed there; built and loaded."""
    root = tmp_path_factory.mktemp("data")
    source = dataset.paths.data_root(dataset.paths.package_data_root())
    shutil.copytree(source / "raw", root / "raw")
    shutil.copytree(source / "reference", root / "reference")
    shutil.copy(source / dataset.RELEASE_FILE, root / dataset.RELEASE_FILE)
    rebuilt, out = dataset.process(root)
    assert rebuilt and (out / "manifest.json").is_file()
    built = dataset.build(root)
    dataset._LOADED.clear()  # read the CSVs now, not an earlier load of this process
    loaded = dataset.load(root)
    assert not loaded.warnings and built.version == loaded.version  # loaded from processed/, not rebuilt
    return built, loaded


@pytest.mark.parametrize("table", dataset.PROCESSED_TABLES)
def test_loaded_equals_built_column_by_column_and_dtype_by_dtype(both, table):
    built, loaded = (getattr(d, table) for d in both)
    assert list(loaded.columns) == list(built.columns)
    differing = {c: (str(built[c].dtype), str(loaded[c].dtype)) for c in built
                 if built[c].dtype != loaded[c].dtype}
    assert differing == {}, "column: (build dtype, load dtype)"
    pd.testing.assert_frame_equal(loaded, built)


@pytest.mark.parametrize("table", dataset.PROCESSED_TABLES)
def test_the_tables_have_the_types_columns_csv_declares(both, table):
    declared = schema.columns(table)
    for data in both:
        frame = getattr(data, table)
        assert set(frame.columns) <= set(declared), "a processed column columns.csv does not describe"
        wrong = {c: (declared[c].type, str(frame[c].dtype)) for c in frame
                 if not KIND[declared[c].type](frame[c].dtype)}
        assert wrong == {}, "column: (declared type, dtype)"
