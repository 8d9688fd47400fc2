import Foundation
import TestSupport
import Testing

@testable import Injection

/// The exception a `dependency` fault raises is the one the app's own library raises when its
/// backend is down, so the app's error handling runs as it would in an outage. Stand-in
/// packages in the working folder shadow any installed library: the test needs none of them.
struct RuntimeExceptionTests {
    static let stubs: [String: String] = [
        "django/__init__.py": "", "django/db/__init__.py": "",
        "django/db/utils.py": "class OperationalError(Exception): pass\n",
        "psycopg2/__init__.py": "class OperationalError(Exception): pass\n",
        "psycopg/__init__.py": "class OperationalError(Exception): pass\n",
        "asyncpg/__init__.py": "",
        "asyncpg/exceptions.py": "class ConnectionDoesNotExistError(Exception): pass\nclass QueryCanceledError(Exception): pass\n",
        "sqlalchemy/__init__.py": "",
        "sqlalchemy/exc.py": """
            class OperationalError(Exception):
                # SQLAlchemy's own signature: a dropped connection is marked invalidated.
                def __init__(self, statement, params, orig, connection_invalidated=False):
                    super().__init__(statement)
                    self.statement, self.params, self.orig = statement, params, orig
                    self.connection_invalidated = connection_invalidated
            """,
        "kombu/__init__.py": "", "kombu/exceptions.py": "class OperationalError(Exception): pass\n",
        "botocore/__init__.py": "",
        "botocore/exceptions.py": """
            class EndpointConnectionError(Exception):
                def __init__(self, *, endpoint_url):
                    super().__init__(endpoint_url)
                    self.endpoint_url = endpoint_url
            """,
        // A library that is present but cannot be imported: the builtin fallback.
        "redis/__init__.py": "raise ImportError('redis is broken here')\n",
    ]

    static let script = #"""
        import os, sys
        sys.path.insert(0, os.getcwd())
        import chaos_test_runtime as rt

        def name(library):
            e = rt._dependency_exception(library, "dependency:app.py:f:x:0")
            return type(e).__module__ + "." + type(e).__name__

        expected = {
            "django": "django.db.utils.OperationalError",
            "psycopg2": "psycopg2.OperationalError",
            "psycopg": "psycopg.OperationalError",
            "asyncpg": "asyncpg.exceptions.ConnectionDoesNotExistError",
            "sqlalchemy": "sqlalchemy.exc.OperationalError",
            "flask_sqlalchemy": "sqlalchemy.exc.OperationalError",
            "celery": "kombu.exceptions.OperationalError",
            "botocore": "botocore.exceptions.EndpointConnectionError",
            "smtplib": "smtplib.SMTPServerDisconnected",
            "redis": "builtins.ConnectionError",
            "nosuchlibrary": "builtins.ConnectionError",
        }
        for library, want in expected.items():
            got = name(library)
            assert got == want, (library, got, want)
        e = rt._dependency_exception("flask_sqlalchemy", "p")
        assert isinstance(e.orig, ConnectionError) and "flask_sqlalchemy" in e.statement, vars(e)
        assert e.connection_invalidated, vars(e)
        # SQLite fails transiently with "database is locked": what a fix's handler looks for.
        assert "database is locked" in str(rt._dependency_exception("sqlite3", "p"))
        assert "p" in rt._dependency_exception("botocore", "p").endpoint_url
        t = rt._timeout_exception("django", "p")
        assert type(t).__module__ == "django.db.utils", t
        t = rt._timeout_exception("asyncpg", "p")
        assert type(t).__name__ == "QueryCanceledError", t
        print("exceptions ok")
        """#

    @Test func dependencyFaultsRaiseTheLibrarysOwnException() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("chaos-exceptions-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (path, text) in Self.stubs {
            let file = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: file)
        }
        try Data(Runtime.source()).write(to: dir.appendingPathComponent(Runtime.fileName))
        try Data(Self.script.utf8).write(to: dir.appendingPathComponent("check.py"))
        let (status, output) = try TestSupport.run(
            "/usr/bin/env", ["python3", "-B", "check.py"], in: dir.path,
            environment: ["CHAOS_TEST_SETTINGS": "", "CHAOS_TEST_EVENTS": ""])
        #expect(status == 0, "\(output)")
        #expect(output.contains("exceptions ok"))
    }
}
