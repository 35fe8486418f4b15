import pytest

from spp_site.spreadsheets import safe_cell


@pytest.mark.parametrize("value", ["=1+1", "+49 89 123", "-2", "@SUM(A1)", "\tTab", "\rReturn"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_gets_an_apostrophe(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    ("value", "expected"), [("Plain", "Plain"), ("a = b", "a = b"), (2, "2"), (None, "")]
)
def test_other_cells_stay_as_they_are(value, expected):
    assert safe_cell(value) == expected
