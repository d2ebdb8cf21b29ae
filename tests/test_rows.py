"""A form list's row cells (blueprints/_rows.FormRow): the rows partial's markup, every value escaped."""
from datetime import date
from types import SimpleNamespace

from blueprints._rows import FormRow


def _form(**values):
    return SimpleNamespace(**{"number": "286000001", "enterprise_id": 1, "issued_on": date(2007, 1, 10),
                              "port_code": "5700", "registered_on": None, "state": "issued", **values})


def test_a_row_shows_each_cell_and_escapes_every_value(app):
    with app.test_request_context("/"):
        row = FormRow("/forms/NUMBER?q=a&b", "NUMBER", mark=True, marked={"286000001"},
                      enterprises={1: '<script>x</script> {name}'}, names={"5700": "拱北&{0}"})
        html = str(row(_form()))
    assert '<input type="checkbox" name="number" value="286000001" aria-label="标记 286000001" checked>' in html
    assert '<a href="/forms/286000001?q=a&amp;b">286000001</a>' in html
    assert "&lt;script&gt;x&lt;/script&gt; {name}" in html and "<script>" not in html
    assert '<td data-label="使用口岸">5700 <span>拱北&amp;{0}</span></td>' in html
    assert '<td data-label="发单日期">2007-01-10</td><td data-label="使用口岸">' in html
    assert '<td data-label="备案日期"></td>' in html  # not registered: an empty cell
    assert html.count("<td") == 10  # 标记, 核销单号, 经营单位, the dates and 口岸, the four status cells


def test_a_row_without_marks_or_enterprises_has_neither_column(app):
    with app.test_request_context("/"):
        html = str(FormRow("/f/N", "N", mark=False, marked=(), enterprises={}, names={})(_form(port_code=None)))
    assert "checkbox" not in html and "经营单位" not in html
    assert '<td data-label="使用口岸"></td>' in html
    assert html.count("<td") == 8
