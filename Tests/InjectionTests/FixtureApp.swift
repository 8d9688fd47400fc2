import Artifacts
import Foundation
import TestSupport

/// A small FastAPI-style app whose files carry every awkward byte a rewrite must keep: a BOM,
/// CRLF line ends, tabs, no final newline, non-ASCII text, an executable mode, one-line bodies
/// and docstrings, and its scan (written by hand, as the scanner would report it).
enum FixtureApp {
    static let main =
        "from fastapi import FastAPI\n\nfrom shop import api\n\napp = FastAPI(\n    title=\"Shop\",\n)\napp.include_router(api.router)\n"
    static let api =
        "\u{FEFF}# -*- coding: utf-8 -*-\r\n\"\"\"Café API: ünïcode.\"\"\"\r\nimport httpx\r\nfrom fastapi import APIRouter\r\n\r\nrouter = APIRouter()\r\n\r\n\r\n@router.get(\"/items\")\r\nasync def list_items():\r\n    \"\"\"All items.\r\n\r\n    Multi-line docstring.\r\n    \"\"\"\r\n    async with httpx.AsyncClient() as client:\r\n        resp = await client.get(\"http://127.0.0.1:1/items\")\r\n    return resp.json()\r\n\r\n\r\n@router.get(\"/ping\")\r\ndef ping(): return {\"pong\": \"é\"}\r\n"
    static let tabs =
        "import requests\n\n\ndef fetch(url):\n\t'''Tabs.'''\n\tif url:\n\t\treturn requests.get(url,\n\t\t\ttimeout=1)\n\twhile requests.get(url):\n\t\tpass\n\n\ndef handler(x): \"doc\"; return fetch(x)"

    static let scan = ScanResult(
        apps: [AppObject(id: "shop.main:app", framework: .fastapi, file: "shop/main.py", line: 5, factory: false)],
        routes: [
            Route(
                app: "shop.main:app", methods: ["GET"], path: "/items", rawPath: "/items", function: "list_items",
                qualname: "list_items", file: "shop/api.py", line: 10, isAsync: true, framework: .fastapi),
            Route(
                app: "shop.main:app", methods: ["GET"], path: "/ping", rawPath: "/ping", function: "ping",
                qualname: "ping", file: "shop/api.py", line: 21, isAsync: false, framework: .fastapi),
            Route(
                app: "shop.main:app", methods: ["POST"], path: "/fetch", rawPath: "/fetch", function: "handler",
                qualname: "handler", file: "shop/tabs.py", line: 13, isAsync: false, framework: .fastapi),
        ],
        dependencies: [
            DependencyCall(
                kind: .http, library: "httpx", callee: "client.get", file: "shop/api.py", line: 16, column: 22,
                function: "list_items", qualname: "list_items", isAsync: true, routes: ["GET /items"]),
            DependencyCall(
                kind: .http, library: "requests", callee: "requests.get", file: "shop/tabs.py", line: 7, column: 10,
                function: "fetch", qualname: "fetch", isAsync: false, routes: ["POST /fetch"]),
            // In a `while` condition: must be skipped with a diagnostic.
            DependencyCall(
                kind: .http, library: "requests", callee: "requests.get", file: "shop/tabs.py", line: 9, column: 8,
                function: "fetch", qualname: "fetch", isAsync: false, routes: ["POST /fetch"]),
        ])

    /// Writes the app into `dir` (and its scan.json beside it) and returns the original bytes per path.
    @discardableResult
    static func write(into dir: TemporaryDirectory) throws -> [String: [UInt8]] {
        let files: [String: [UInt8]] = [
            "shop/__init__.py": [],
            "shop/main.py": Array(main.utf8),
            "shop/api.py": Array(api.utf8),
            "shop/tabs.py": Array(tabs.utf8),
        ]
        for (path, bytes) in files { try dir.write(path, bytes, mode: path.hasSuffix("tabs.py") ? 0o755 : 0o644) }
        let encoder = JSONEncoder()
        try dir.write("../\((dir.path as NSString).lastPathComponent)-scan.json", [UInt8](encoder.encode(scan)))
        return files
    }

    static func scanPath(_ dir: TemporaryDirectory) -> String { dir.path + "-scan.json" }
}
