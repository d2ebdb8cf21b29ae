"""The cells of a row of a form list (forms/_rows.html), made in Python: a list page's rows are the
most rendered markup there is (20 a page, on every list and 组合查询), and in Jinja each of their
dozen expressions is an attribute lookup, a filter and an escape. Here the page's labels and link
are put into one format string once, and a row is that string filled with its escaped values.

The markup is the template's: `{{ form_row(f) }}` inside its `<tr>`, a list's own columns
(`extra_cells`) after it."""
from markupsafe import Markup, escape

from blueprints._i18n import DEFAULT, language, tr
from db.status import status_cells

LABELS = {"mark": "标记", "no": "核销单号", "ent": "经营单位", "issued": "发单日期", "port": "使用口岸",
          "reg": "备案日期"}


class FormRow:
    """`row(form)`: the cells of `form` as the rows partial shows them, for one page.

    href: the form's page URL with `slot` where the number goes; mark: a 标记 box first (checked when
    the number is in `marked`); enterprises: {id: name} for officers (经营单位 column), else empty;
    names: 关区 names by code."""

    def __init__(self, href: str, slot: str, *, mark: bool, marked, enterprises: dict, names: dict):
        self.href, self.slot, self.mark, self.marked = str(href), slot, mark, marked
        self.enterprises, self.names, self.language = enterprises, names, language()
        zh = ' lang="zh-CN"' if self.language != DEFAULT else ""
        label = {key: _literal(escape(tr(word))) for key, word in LABELS.items()}
        parts = []
        if mark:
            parts.append(f'<td data-label="{label["mark"]}"><input type="checkbox" name="number" value="{{number}}" '
                         f'aria-label="{label["mark"]} {{number}}"{{checked}}></td>')
        parts.append(f'<td data-label="{label["no"]}"><a href="{{href}}">{{number}}</a></td>')
        if enterprises:
            parts.append(f'<td data-label="{label["ent"]}"{zh}>{{enterprise}}</td>')
        parts.append(f'<td data-label="{label["issued"]}">{{issued}}</td>')
        parts.append(f'<td data-label="{label["port"]}">{{port}}</td>')
        parts.append(f'<td data-label="{label["reg"]}">{{registered}}</td>')
        self.template = "".join(parts)
        self.port_template = f'{{code}} <span{zh}>{{name}}</span>'

    def __call__(self, form) -> Markup:
        number = escape(form.number)
        port = form.port_code
        return Markup(self.template.format(
            number=number,
            checked=" checked" if self.mark and form.number in self.marked else "",
            href=escape(self.href.replace(self.slot, form.number)),
            enterprise=escape(self.enterprises.get(form.enterprise_id, "")) if self.enterprises else "",
            issued=day(form.issued_on),
            port=self.port_template.format(code=escape(port), name=escape(self.names.get(port, ""))) if port else "",
            registered=day(form.registered_on),
        )) + status_cells(form.state, self.language, tr)


def _literal(text: str) -> str:
    """Text put into the format string as it is (a brace in a translation is not a field)."""
    return text.replace("{", "{{").replace("}", "}}")


def day(value) -> str:
    """2007-01-10 (the `day` filter's format; isoformat is several times cheaper than strftime)."""
    return value.isoformat()[:10] if value else ""
