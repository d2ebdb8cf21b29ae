"""组合查询 (manual §九): every role, scoped by the query builder."""
from flask import Blueprint

from blueprints._auth import require
from db.models import CardKind

bp = Blueprint("query", __name__, url_prefix="/query")
bp.before_request(require(*CardKind))
