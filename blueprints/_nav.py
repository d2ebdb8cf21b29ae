"""The menus: the portal's subsystems (manual 图二) and each role's left menu, in the manual's words."""
from flask import current_app

from db.models import CardKind as K
from db.words import t

HOME = {K.OPERATOR: "enterprise.home", K.LEGAL: "legal.home", K.BUREAU: "bureau.home",
        K.CUSTOMS: "customs.home", K.ADMIN: "admin.home"}

LEFT_MENUS = {
    K.OPERATOR: [(t("核销单申请"), "enterprise.apply"), (t("口岸备案"), "enterprise.register_list"),
                 (t("批量备案"), "enterprise.batch_register"), (t("撤销备案"), "enterprise.revoke_list"),
                 (t("企业交单"), "enterprise.submit_list"), (t("批量交单"), "enterprise.batch_submit"),
                 (t("核销单挂失"), "enterprise.lost"), (t("组合查询"), "query.search")],
    K.LEGAL: [(t("本企业核销单"), "legal.forms"), (t("操作员卡"), "legal.cards"), (t("组合查询"), "query.search")],
    K.BUREAU: [(t("发单"), "bureau.applications"), (t("权限审批"), "bureau.permissions"),
               (t("交单接收"), "bureau.receipts"), (t("核销"), "bureau.write_offs"), (t("挂失"), "bureau.lost"),
               (t("注销"), "bureau.cancel"), (t("组合查询"), "query.search")],
    K.CUSTOMS: [(t("备案数据"), "customs.registered"), (t("报关验核"), "customs.verify"),
                (t("报关单"), "customs.declarations"), (t("撤销确认"), "customs.revocations"),
                (t("补验"), "customs.supplements"), (t("组合查询"), "query.search")],
    K.ADMIN: [(t("入网"), "admin.enroll"), (t("IC卡管理"), "admin.cards"), (t("代码表"), "admin.codes"),
              (t("审计"), "admin.audit"), (t("组合查询"), "query.search")],
}


def left_menu(kind: K) -> list[tuple[str, str]]:
    """Only the entries whose screens exist in this build. The labels are `Text` (shown with |tr)."""
    return [(label, endpoint) for label, endpoint in LEFT_MENUS[kind] if endpoint in current_app.view_functions]


def subsystems(actor) -> list[dict]:
    """The portal menu (图二): 出口收汇 is grey without a valid permission; the others always work."""
    return [
        {"label": t("出口收汇"), "endpoint": HOME[actor.kind], "enabled": actor.has_permission(),
         "note": "" if actor.has_permission() else t("权限已到期或未开通")},
        {"label": t("IC卡管理"), "endpoint": "portal.card", "enabled": True, "note": ""},
        {"label": t("修改密码"), "endpoint": "auth.password", "enabled": True, "note": ""},
    ]


def _tab_query(tab):
    from blueprints.forms import tab_query

    return tab_query(tab)


NUMBER_SLOT = "0NUMBER0"  # a row partial builds its link once with this for the number, then puts each number in


def init_app(app):
    import hashlib
    from pathlib import Path

    from flask_login import current_user

    from blueprints._i18n import language, tr
    from blueprints._rows import FormRow, day
    from db import clock
    from db.models import DeclarationStatus, FormState
    from db.status import COLUMNS, status_cells, status_columns

    static = Path(app.static_folder)
    css_version = hashlib.sha256((static / "css" / "app.css").read_bytes()).hexdigest()[:10]
    htmx_file = next(p.name for p in sorted((static / "vendor").glob("htmx-*.min.js")))

    # globals rather than context: macros imported without context (the rows partial's) see them too
    app.jinja_env.globals.update(status_columns=status_columns, status_column_names=COLUMNS,
                                 status_tds=lambda state: status_cells(state, language(), tr),
                                 number_slot=NUMBER_SLOT, form_row=FormRow,
                                 state_label=lambda s: tr(FormState(s).label),
                                 declaration_status_label=lambda s: tr(DeclarationStatus(s).label),
                                 tab_query=_tab_query)

    @app.context_processor
    def shared():
        context = {"asset_version": css_version, "htmx_file": htmx_file}
        if current_user.is_authenticated:
            kind = current_user.actor.kind
            context.update(left_menu=left_menu(kind), home_endpoint=HOME[kind])
        return context

    app.add_template_filter(day, "day")
    app.add_template_filter(lambda x: "" if x is None else f"{x.normalize():f}", "num")  # 1850, not 1.85E+3
    app.add_template_filter(lambda x: "" if x is None else f"{x:,.2f}", "money")
    app.add_template_filter(lambda t: clock.local(t).strftime("%Y-%m-%d %H:%M") if t else "", "moment")
    app.add_template_filter(_currency, "currency")


def _currency(code: str | None) -> str:
    """币制 by its name (美元), from the code table; an unknown code is shown as it is."""
    from db import codes
    from db.engine import get_session

    return (codes.name_of(get_session(), "currency", code) or code or "") if code else ""
