"""组合查询 导出: the whole result as CSV that Excel opens with Chinese intact, streamed a chunk at a
time (db.queries.chunks), so 100,000 rows take the memory of one chunk."""
import csv
import io
from collections.abc import Iterator

from sqlmodel import Session, select

from db import codes
from db.models import Declaration, DeclarationStatus, Enterprise, Form, FormState
from db.queries import chunks
from db.status import status_columns

BOM = "\ufeff"  # Excel reads a CSV as UTF-8 only when it starts with one
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

FORM_HEADER = ["核销单号", "经营单位", "海关编码", "发单日期", "使用口岸", "使用口岸名称", "备案日期",
               "备案状态", "海关使用状态", "交单状态", "核销状态", "核销单状态", "报关单号"]
DECLARATION_HEADER = ["报关单号", "统一编号", "核销单号", "经营单位", "海关编码", "出口口岸", "出口口岸名称",
                      "申报日期", "出口日期", "贸易方式", "结汇方式", "币制", "总价", "报关单状态", "结汇联"]


def cell(value) -> str:
    """One cell, safe to open in a spreadsheet: a text starting with = + - @ would run as a formula,
    so it gets a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def identifier(text: str | None) -> str:
    """A long number such as a 报关单号 (18 digits) or a 统一编号 like 5300…E… that Excel would turn
    into 5.3E+17: a leading tab keeps it text, the way Chinese spreadsheets expect."""
    return "\t" + text if text else ""


def csv_lines(business: str, session: Session, stmt) -> Iterator[str]:
    """The CSV, a chunk of rows per string: a BOM and the header first."""
    header, rows = ((DECLARATION_HEADER, _declaration_rows) if business == "declaration"
                    else (FORM_HEADER, _form_rows))
    yield BOM + _lines([header])
    for chunk in chunks(session, stmt):
        yield _lines(rows(session, chunk))


def _lines(rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows(rows)
    return buffer.getvalue()


def _day(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


def _enterprises(session: Session, ids) -> dict[int, Enterprise]:
    return {e.id: e for e in session.exec(select(Enterprise).where(Enterprise.id.in_(set(ids)))).all()}


def _form_rows(session: Session, forms: list[Form]):
    enterprises = _enterprises(session, (f.enterprise_id for f in forms))
    declared = dict(session.exec(select(Declaration.form_id, Declaration.number)
                                 .where(Declaration.form_id.in_([f.id for f in forms]))).all())
    districts = codes.names(session, "district")
    for f in forms:
        e = enterprises[f.enterprise_id]
        yield [cell(f.number), cell(e.name), cell(e.customs_code), _day(f.issued_on), cell(f.port_code),
               cell(districts.get(f.port_code or "", "")), _day(f.registered_on),
               *status_columns(f.state).values(), FormState(f.state).label, identifier(declared.get(f.id))]


def _declaration_rows(session: Session, declarations: list[Declaration]):
    enterprises = _enterprises(session, (d.enterprise_id for d in declarations))
    numbers = dict(session.exec(select(Form.id, Form.number)
                                .where(Form.id.in_([d.form_id for d in declarations]))).all())
    districts = codes.names(session, "district")
    name = lambda table, code: f"{code} {codes.names(session, table).get(code, '')}".strip()  # noqa: E731
    for d in declarations:
        e = enterprises[d.enterprise_id]
        yield [identifier(d.number), identifier(d.unified_no), cell(numbers.get(d.form_id)), cell(e.name),
               cell(e.customs_code), cell(d.district_code), cell(districts.get(d.district_code, "")),
               _day(d.declared_on), _day(d.exported_on), cell(name("trade", d.trade_mode)),
               cell(name("settlement", d.settlement)), cell(name("currency", d.currency)), f"{d.total:.2f}",
               DeclarationStatus(d.status).label, "已签发" if d.fx_slip_issued else "未签发"]
