"""Flask constructs the route oracle must read from the runtime table."""

from flask import Blueprint, Flask
from flask.views import MethodView

bp = Blueprint("files", __name__, url_prefix="/files")


@bp.route("/<path:name>", methods=["GET", "PUT"])
def file(name):
    return name


class Report(MethodView):
    def get(self, report_id):
        return str(report_id)

    def delete(self, report_id):
        return ""


def ping():
    return "pong"


def create_app():
    app = Flask(__name__)
    app.register_blueprint(bp)
    app.add_url_rule("/reports/<int:report_id>", view_func=Report.as_view("report"))
    app.add_url_rule("/ping", view_func=ping, methods=["POST"])
    return app
