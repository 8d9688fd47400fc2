import Artifacts
import Discovery
import Testing

/// A file the app ships (a template, a static file, bundled data) is marked `bundled`, so chaos
/// leaves it alone; a path from configuration or from the request stays a real file open.
@Suite struct BundledPathTests {
    @Test func pathsBuiltFromTheAppsOwnFolderAreBundled() {
        let result = scan([
            "pkg/__init__.py": "",
            "pkg/paths.py": """
            import os
            HERE = os.path.dirname(os.path.abspath(__file__))
            TEMPLATE_DIR = os.path.join(HERE, "templates")
            """,
            "pkg/core.py": """
            import os
            from pathlib import Path
            from importlib import resources
            from .paths import TEMPLATE_DIR

            tmpl_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")

            def resource(filename):
                path = os.path.join(tmpl_dir, filename)
                with open(path, "rb") as f:
                    return f.read()

            def imported(name):
                return open(os.path.join(TEMPLATE_DIR, name)).read()

            def literal():
                return open("static/logo.svg").read()

            def pathlib_style(app):
                return open(Path(app.root_path) / "data.json").read()

            def packaged():
                return open(resources.files("pkg") / "data.csv").read()

            def from_default(base=os.path.dirname(__file__)):
                return open(os.path.join(base, "x.txt")).read()
            """,
        ])
        let opens = result.dependencies.filter { $0.kind == .filesystem }
        #expect(opens.map(\.line) == [10, 14, 17, 20, 23, 26])
        #expect(opens.allSatisfy { $0.bundled == true }, "\(opens.map { "\($0.line) \(String(describing: $0.bundled))" })")
    }

    @Test func pathsFromConfigurationOrTheRequestAreRealOpens() {
        let result = scan([
            "app.py": """
            import os

            UPLOADS = os.environ.get("UPLOAD_DIR", "/var/uploads")

            def upload(name):
                with open(os.path.join(UPLOADS, name), "wb") as f:
                    f.write(b"")

            def absolute():
                return open("/var/data/report.csv").read()

            def given(path):
                return open(path).read()

            def home():
                return open(os.path.expanduser("~/notes.txt")).read()
            """
        ])
        let opens = result.dependencies.filter { $0.kind == .filesystem }
        #expect(opens.map(\.line) == [6, 10, 13, 16])
        #expect(opens.allSatisfy { $0.bundled == false }, "\(opens.map { "\($0.line) \(String(describing: $0.bundled))" })")
    }

    @Test func namesFollowedInACycleEndWithoutAnAnswer() {
        // Two names bound to each other: the walk must stop, and the open is not bundled.
        let result = scan([
            "app.py": """
            import os
            a = b
            b = a

            def read():
                return open(os.path.join(a, "x")).read()
            """
        ])
        #expect(result.dependencies.filter { $0.kind == .filesystem }.map(\.bundled) == [false])
    }

    @Test func readersNameDependenciesByWhatTheyAre() {
        #expect(DependencyCall.dependencyName(library: "builtins", kind: .filesystem) == "file open")
        #expect(DependencyCall.dependencyName(library: "sqlite3", kind: .database) == "SQLite")
        #expect(DependencyCall.dependencyName(library: "redis.asyncio", kind: .cache) == "Redis")
        #expect(DependencyCall.dependencyName(library: "psycopg", kind: .database) == "PostgreSQL (psycopg)")
        #expect(DependencyCall.dependencyName(library: "httpx", kind: .http) == "HTTP backend (httpx)")
        #expect(DependencyCall.dependencyName(library: "os", kind: .subprocess) == "subprocess (os)")
    }
}
