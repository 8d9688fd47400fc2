import Foundation
import TestSupport
import Testing

@testable import Patching

/// The commands as a user runs them: output, exit codes, and what they leave on disk.
struct CommandLineTests {
    @Test func dryRunPrintsThePatchesAndWritesNothing() throws {
        let (dir, originals) = try Samples.copy(Samples.orbital)
        let (status, output) = try Binary.run(["inject", dir.path, "--app", "app.main:app", "--seed", "1", "--dry-run"])
        #expect(status == 0, "\(output)")
        #expect(output.contains("--- a/app/api/bookings.py\n+++ b/app/api/bookings.py\n@@ "))
        #expect(output.contains("--- /dev/null\n+++ b/chaos_test_runtime.py"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/.chaos-test"))
        for (path, bytes) in originals { #expect(dir.read(path) == bytes) }
    }

    @Test func exitCodesFollowTheContract() throws {
        let (dir, _) = try Samples.copy(Samples.orbital)
        // The sample's chaos-test.yaml names its app; without it there are two apps (the app
        // and its provider) and no --app: a clear error listing them, exit 2.
        try FileManager.default.removeItem(atPath: dir.path + "/chaos-test.yaml")
        let (several, severalOutput) = try Binary.run(["inject", dir.path])
        #expect(several == 2)
        #expect(
            severalOutput.contains("app.main:app") && severalOutput.contains("provider.main:app")
                && severalOutput.contains("--app"))
        #expect(try Binary.run(["inject", dir.path, "--app", "app.main:app", "--delay", "2-1"]).0 == 2)
        #expect(try Binary.run(["inject", dir.path, "--app", "app.main:app", "--faults", "latency,bogus"]).0 == 2)
        #expect(try Binary.run(["chaos", dir.path, "off"]).0 == 2)  // nothing injected yet
        #expect(try Binary.run(["check", dir.path]).0 == 0)
        let (injected, json) = try Binary.run(["inject", dir.path, "--app", "app.main:app", "--seed", "3", "--json"])
        #expect(injected == 0)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        #expect((object?["config"] as? [String: Any])?["seed"] as? Int == 3)
        let (check, findings) = try Binary.run(["check", dir.path])
        #expect(check == 1)
        #expect(
            findings.contains("app/main.py:") && findings.contains("the request-id middleware")
                && findings.contains("chaos_test_runtime.py"))
        let (again, message) = try Binary.run(["inject", dir.path, "--app", "app.main:app"])
        #expect(again == 0 && message.contains("already injected"))
        let (statusCode, status) = try Binary.run(["status", dir.path])
        #expect(statusCode == 0 && status.contains("chaos is injected") && status.contains("on"))
        #expect(try Binary.run(["chaos", dir.path, "set", "--fault-rate", "0.3"]).1.contains("rate 0.3"))
        #expect(try Binary.run(["revert", dir.path]).0 == 0)
        #expect(try Binary.run(["check", dir.path]).0 == 0)
        #expect(try Binary.run(["revert", dir.path]).1.contains("nothing to revert"))
    }

    @Test func classViewsGetAHookPerMethodAndStackedRoutesShareOne() throws {
        let dir = try TemporaryDirectory()
        let source = """
            from flask import Flask
            from flask.views import MethodView

            app = Flask(__name__)


            class ItemAPI(MethodView):
                def get(self, item_id):
                    \"\"\"One item.\"\"\"
                    return {"id": item_id}

                def post(self, item_id):
                    return {}


            app.add_url_rule("/items/<int:item_id>", view_func=ItemAPI.as_view("item"))


            @app.route("/a")
            @app.route("/b")
            def both(): return "x"

            """
        try dir.write("main.py", Array(source.utf8))
        let (status, output) = try Binary.run(["inject", dir.path, "--seed", "1", "--json"])
        try #require(status == 0, "\(output)")
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as! [String: Any]
        let points = ((object["config"] as! [String: Any])["points"] as! [[String: Any]])
        let byFunction = Dictionary(
            uniqueKeysWithValues: points.map { ($0["function"] as! String, $0["routes"] as! [String]) })
        #expect(byFunction["ItemAPI.get"] == ["GET /items/{item_id}"])
        #expect(byFunction["ItemAPI.post"] == ["POST /items/{item_id}"])
        #expect(byFunction["both"] == ["GET /a", "GET /b"])
        let injected = String(decoding: dir.read("main.py")!, as: UTF8.self)
        #expect(injected.contains("def both(): __import__(\"chaos_test_runtime\").hook("))
        #expect(try Binary.run(["revert", dir.path]).0 == 0)
        #expect(dir.read("main.py") == Array(source.utf8))
    }

    @Test func djangoApplicationIsWrappedWithTheWSGIMiddleware() throws {
        let dir = try TemporaryDirectory()
        let wsgi = """
            import os

            from django.core.wsgi import get_wsgi_application

            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")

            application = get_wsgi_application()

            """
        try dir.write("mysite/__init__.py", [])
        try dir.write("mysite/wsgi.py", Array(wsgi.utf8))
        try dir.write("mysite/settings.py", Array("ROOT_URLCONF = \"mysite.urls\"\n".utf8))
        try dir.write(
            "mysite/urls.py",
            Array(
                "from django.urls import path\n\nfrom polls import views\n\nurlpatterns = [path(\"q/\", views.detail)]\n"
                    .utf8))
        try dir.write("polls/__init__.py", [])
        try dir.write("polls/views.py", Array("def detail(request):\n    return None\n".utf8))
        let (status, output) = try Binary.run(["inject", dir.path, "--seed", "1"])
        try #require(status == 0, "\(output)")
        let injected = String(decoding: dir.read("mysite/wsgi.py")!, as: UTF8.self)
        #expect(
            injected.hasSuffix(
                "application = get_wsgi_application()\napplication = __import__(\"chaos_test_runtime\").WSGIMiddleware(application)  # chaos-test: middleware\n"
            ))
        #expect(dir.read("chaos_test_runtime.py") != nil)
        #expect(try Binary.run(["revert", dir.path]).0 == 0)
        #expect(dir.read("mysite/wsgi.py") == Array(wsgi.utf8))
    }
}
