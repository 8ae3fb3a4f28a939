"""One exception family: every error a user can cause is a KepatuhanError, printed once by cli.main."""

import pytest

from kepatuhan import cli, errors, grading, names
from kepatuhan import report as report_module


def test_user_errors_share_one_root():
    for error in (errors.DataError, errors.NameNotFound, errors.ReportError, errors.GradingError,
                  errors.UsageError, errors.BuildLocked, errors.Interrupted):
        assert issubclass(error, errors.KepatuhanError), error
    assert names.NameNotFound is errors.NameNotFound
    assert report_module.ReportError is errors.ReportError


@pytest.mark.parametrize("year", [2020, 2014, "2024"])
def test_grading_faults_are_kepatuhan_errors_and_still_value_errors(year):
    with pytest.raises(errors.KepatuhanError) as caught:
        grading.classify(90.0, year)
    assert isinstance(caught.value, ValueError)  # callers written for the ValueError keep working


def test_cli_prints_a_name_error_as_one_line(capsys):
    status = cli.main(["entities", "--province", "Atlantis"])
    err = capsys.readouterr().err.strip().splitlines()
    assert status == 2
    assert len(err) == 1 and err[0].startswith("kepatuhan: ") and "Atlantis" in err[0]
    assert "Traceback" not in err[0]


def test_interrupt_exits_130(monkeypatch, capsys):
    def stop(args):
        raise errors.Interrupted("stopped by Ctrl-C")

    parser_args = ["entities"]
    monkeypatch.setattr(cli, "_parser", _parser_with(stop))
    assert cli.main(parser_args) == 130
    assert capsys.readouterr().err.strip() == "kepatuhan: stopped by Ctrl-C"


def _parser_with(handler):
    import argparse

    def make():
        parser = argparse.ArgumentParser(prog="kepatuhan")
        sub = parser.add_subparsers()
        sub.add_parser("entities").set_defaults(handler=handler)
        return parser
    return make
