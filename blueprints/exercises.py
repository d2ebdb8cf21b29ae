"""练习 (demo mode): a trainee's tasks from the manual, done or not by the audit trail; the trainer's
(data centre's) view of every trainee, and its CSV."""
import csv
import io

from flask import Blueprint, Response, current_app

from blueprints._auth import actor, require
from blueprints._htmx import render
from db import clock, exercises
from db.engine import get_db, get_session
from db.export import cell
from db.models import Card, CardKind

bp = Blueprint("exercises", __name__, url_prefix="/exercises")


def note_query(business: str, conditions) -> None:
    """开始查找 on the 组合查询 screen: in demo mode an operator card's run goes to the query log (练习)."""
    me = actor()
    if current_app.config["DEMO"] and me.kind is CardKind.OPERATOR and conditions:
        exercises.record_query(get_db(), card_id=me.card_id, business=business, conditions=conditions)


@bp.route("/")
def mine():
    check = require(CardKind.OPERATOR, fx=True)()
    if check is not None:
        return check
    card = get_session().get(Card, actor().card_id)
    return render("exercises/mine.html", tasks=exercises.TASKS, progress=exercises.progress(get_session(), card))


@bp.route("/trainer")
def trainer():
    check = require(CardKind.ADMIN, fx=True)()
    if check is not None:
        return check
    return render("exercises/trainer.html", rows=exercises.trainees(get_session()), total=len(exercises.TASKS))


@bp.route("/trainer.csv")
def export():
    check = require(CardKind.ADMIN, fx=True)()
    if check is not None:
        return check
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["IC卡号", "持卡人", "企业", "完成", "共", "最近操作", "时间"]
                    + [task.label for task in exercises.TASKS])
    for row in exercises.trainees(get_session()):
        last = row.last
        writer.writerow([row.card_no, cell(row.holder), cell(row.enterprise), row.count, len(exercises.TASKS),
                         last.action if last else "", moment(last.at) if last else ""]
                        + ["完成" if row.done[task.key] else "" for task in exercises.TASKS])
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=exercises.csv"})


def moment(at) -> str:
    """China time, as the screen shows it (the `moment` filter)."""
    return clock.local(at).strftime("%Y-%m-%d %H:%M")
