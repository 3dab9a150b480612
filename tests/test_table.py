"""Tables that print as text and show as HTML (segtutor._table)."""

from segtutor.models import ModelTable


def test_a_table_prints_aligned_columns_without_trailing_spaces():
    table = ModelTable([{"model": "tiny", "mIoU": 91.5}, {"model": "fcn_resnet101", "mIoU": 63.7}])
    assert str(table) == "model          mIoU\ntiny           91.5\nfcn_resnet101  63.7"


def test_a_table_shows_as_an_html_table_in_jupyter():
    table = ModelTable([{"a": 1, "b": "x"}])
    assert table._repr_html_() == "<table><thead><tr><th>a</th><th>b</th></tr></thead><tbody><tr><td>1</td><td>x</td></tr></tbody></table>"
    assert isinstance(table, list) and table[0] == {"a": 1, "b": "x"}
