"""A tiny Flask app for the session tests: a CSRF-checked form login, a token endpoint, a
session counter, projects to create in setup, and a throttled route. Prints its port, then serves."""
import json
import secrets
import threading
import time

from flask import Flask, jsonify, redirect, request, session
from werkzeug.serving import make_server

app = Flask(__name__)
app.secret_key = "session-tests"
USERS = {"ada": "lovelace"}
LOCK = threading.Lock()
STATS = {"logins": 0, "login_pages": 0, "counts": {}, "projects": {}, "limited_ok": 0, "limited_429": 0}
LAST_ALLOWED = [0.0]

LOGIN_FORM = (
    '<html><head><meta name="viewport" content="width=device-width"></head><body>'
    '<form method="post"><input name=username>'
    '<input type="password" name="password">'
    '<input value="{token}" type="hidden" name="csrf_token"></form></body></html>'
)


@app.get("/health")
def health():
    return "ok"


@app.get("/login")
def login_page():
    with LOCK:
        STATS["login_pages"] += 1
    session.setdefault("csrf", secrets.token_hex(8))
    return LOGIN_FORM.format(token=session["csrf"])


@app.post("/login")
def login():
    if not session.get("csrf") or request.form.get("csrf_token") != session["csrf"]:
        return "CSRF token missing or wrong", 400
    if USERS.get(request.form.get("username")) != request.form.get("password"):
        return login_page()
    with LOCK:
        STATS["logins"] += 1
    session["user"] = request.form["username"]
    return redirect("/me")


@app.post("/bounce-login")
def bounce_login():
    """Flask-Login's habit: a refused login redirects back to the login page."""
    if USERS.get(request.form.get("username")) != request.form.get("password"):
        return redirect("/bounce-login?error=1")
    session["user"] = request.form["username"]
    return redirect("/me")


@app.get("/me")
def me():
    if "user" not in session:
        return jsonify(error="log in first"), 401
    return jsonify(user=session["user"])


@app.get("/count")
def count():
    sid = session.setdefault("sid", secrets.token_hex(4))
    session["n"] = session.get("n", 0) + 1
    with LOCK:
        STATS["counts"][sid] = session["n"]
    return jsonify(n=session["n"])


@app.post("/token")
def token():
    body = request.get_json(silent=True) or {}
    if USERS.get(body.get("username")) != body.get("password"):
        return jsonify(detail="bad credentials"), 401
    return jsonify(access_token="tok-" + body["username"], token_type="bearer")


@app.get("/api/me")
def api_me():
    if request.headers.get("Authorization") != "Bearer tok-ada":
        return jsonify(detail="no token"), 401
    return jsonify(user="ada")


@app.post("/projects")
def create_project():
    with LOCK:
        pid = len(STATS["projects"]) + 1
        STATS["projects"][str(pid)] = request.get_json(silent=True)
    return jsonify(id=pid), 201


@app.get("/projects/<pid>")
def get_project(pid):
    return (jsonify(STATS["projects"][pid]), 200) if pid in STATS["projects"] else (jsonify(detail="no project"), 404)


@app.get("/limited")
def limited():
    """One request per 0.8 s; earlier ones get 429 with Retry-After: 1."""
    now = time.monotonic()
    with LOCK:
        if now - LAST_ALLOWED[0] < 0.8:
            STATS["limited_429"] += 1
            return jsonify(detail="slow down"), 429, {"Retry-After": "1"}
        LAST_ALLOWED[0] = now
        STATS["limited_ok"] += 1
    return jsonify(ok=True)


@app.get("/django/form")
def django_form():
    """Django's way: the token in a `csrftoken` cookie and in the form's csrfmiddlewaretoken."""
    token = request.cookies.get("csrftoken") or secrets.token_hex(16)
    response = app.make_response(
        '<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="%s">'
        '<input type="password" name="password"></form>' % token
    )
    response.set_cookie("csrftoken", token, max_age=31449600, path="/", samesite="Lax")
    return response


@app.post("/django/login")
def django_login():
    token = request.cookies.get("csrftoken")
    if not token or request.form.get("csrfmiddlewaretoken") != token:
        return "CSRF verification failed", 403
    if USERS.get(request.form.get("username")) != request.form.get("password"):
        return django_form()
    session["user"] = request.form["username"]
    return redirect("/me")


@app.post("/django/notes")
def django_notes():
    """Unsafe methods need X-CSRFToken equal to the csrftoken cookie, as Django's AJAX rule says."""
    token = request.cookies.get("csrftoken")
    if not token or request.headers.get("X-CSRFToken") != token:
        return "CSRF verification failed", 403
    if "user" not in session:
        return jsonify(error="log in first"), 401
    return jsonify(id=1), 201


@app.get("/stats")
def stats():
    with LOCK:
        return app.response_class(json.dumps(STATS), mimetype="application/json")


server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.port, flush=True)
server.serve_forever()
