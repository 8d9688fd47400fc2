import Foundation
import Testing

@testable import Fixes

/// Each place an added import can land, checked against the text ruff's isort writes for it
/// (`ruff check --select I --fix`, default settings, on the same input).
struct ImportPlacementTests {
    /// `source` with `lines` added; `app/` is first-party, as if the file sat in the app's `app` package.
    func adding(_ lines: [String], to source: String, path: String = "app/mod.py") throws -> String {
        let file = try EditableFile(path: path, raw: Array(source.utf8))
        return String(decoding: try file.applying(file.addImports(lines)), as: UTF8.self)
    }

    @Test func stdlibGoesInSortedPlaceInTheStdlibBlock() throws {
        let source = "import json\nimport threading\nfrom datetime import date\n\nimport httpx\n\nx = 1\n"
        #expect(
            try adding(["import random"], to: source)
                == "import json\nimport random\nimport threading\nfrom datetime import date\n\nimport httpx\n\nx = 1\n")
        // After every plain import but before the `from` lines: isort's default puts `import x` first.
        #expect(
            try adding(["import uuid"], to: source)
                == "import json\nimport threading\nimport uuid\nfrom datetime import date\n\nimport httpx\n\nx = 1\n")
    }

    @Test func thirdPartyOpensItsSectionAfterAStdlibOnlyBlock() throws {
        let source = "\"\"\"Doc.\"\"\"\n\nimport os\nfrom pathlib import Path\n\n\ndef f():\n    pass\n"
        #expect(
            try adding(["import httpx"], to: source)
                == "\"\"\"Doc.\"\"\"\n\nimport os\nfrom pathlib import Path\n\nimport httpx\n\n\ndef f():\n    pass\n")
    }

    @Test func stdlibOpensItsSectionAboveThirdPartyAndFirstParty() throws {
        let source = "import httpx\n\nfrom app.config import url\n\nx = 1\n"
        #expect(
            try adding(["import time", "import random"], to: source)
                == "import random\nimport time\n\nimport httpx\n\nfrom app.config import url\n\nx = 1\n")
    }

    @Test func thirdPartyJoinsBetweenStdlibAndFirstParty() throws {
        let source = "import uuid\n\nfrom fastapi import APIRouter\n\nfrom app import db\n\nx = 1\n"
        #expect(
            try adding(["import httpx", "import random"], to: source)
                == "import random\nimport uuid\n\nimport httpx\nfrom fastapi import APIRouter\n\nfrom app import db\n\nx = 1\n")
    }

    @Test func aSectionBetweenTwoOthersGetsBlankLinesOnBothSides() throws {
        let source = "import os\n\nfrom app import db\n\nx = 1\n"
        #expect(try adding(["import httpx"], to: source) == "import os\n\nimport httpx\n\nfrom app import db\n\nx = 1\n")
    }

    @Test func mergesIntoTheFromImportOfTheSameModule() throws {
        let source = "from fastapi import FastAPI, status\n\nx = 1\n"
        #expect(
            try adding(["from fastapi import APIRouter", "from fastapi import HTTPException"], to: source)
                == "from fastapi import APIRouter, FastAPI, HTTPException, status\n\nx = 1\n")
        // Too long for one line: wrapped as isort wraps it.
        let long = "from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse\n\nx = 1\n"
        #expect(
            try adding(["from fastapi.responses import JSONResponse"], to: long)
                == "from fastapi.responses import (\n    HTMLResponse,\n    JSONResponse,\n    PlainTextResponse,\n"
                + "    RedirectResponse,\n)\n\nx = 1\n")
    }

    @Test func aFromImportOfANewModuleSortsAmongTheFromLines() throws {
        let source = "from fastapi import APIRouter\nfrom pydantic import BaseModel\n\nx = 1\n"
        #expect(
            try adding(["from fastapi.responses import JSONResponse"], to: source)
                == "from fastapi import APIRouter\nfrom fastapi.responses import JSONResponse\nfrom pydantic import BaseModel\n\nx = 1\n")
    }

    @Test func aFileWithNoImportsGetsABlockAfterItsDocstring() throws {
        let docstring = try adding(["import time", "import httpx"], to: "\"\"\"Doc.\"\"\"\n\nx = 1\n")
        #expect(docstring == "\"\"\"Doc.\"\"\"\n\nimport time\n\nimport httpx\n\nx = 1\n", "\(docstring.debugDescription)")
        #expect(try adding(["import time"], to: "def f():\n    pass\n") == "import time\n\n\ndef f():\n    pass\n")
    }

    @Test func neverAboveTheDocstringOrTheFutureImports() throws {
        let source = "\"\"\"Doc.\"\"\"\n\nfrom __future__ import annotations\n\nx = 1\n"
        #expect(
            try adding(["import asyncio"], to: source)
                == "\"\"\"Doc.\"\"\"\n\nfrom __future__ import annotations\n\nimport asyncio\n\nx = 1\n")
        let withThirdParty = "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\n\nimport httpx\n\nx = 1\n"
        #expect(
            try adding(["import asyncio"], to: withThirdParty)
                == "\"\"\"Doc.\"\"\"\nfrom __future__ import annotations\n\nimport asyncio\n\nimport httpx\n\nx = 1\n")
    }

    @Test func aCommentOnTopOfAnImportStaysWithIt() throws {
        let source = "import os\n\n# the client\nimport sys\n\nx = 1\n"
        #expect(try adding(["import random"], to: source) == "import os\nimport random\n\n# the client\nimport sys\n\nx = 1\n")
        let above = "import os\n\n# the client\nimport httpx\n\nx = 1\n"
        #expect(try adding(["import attrs"], to: above) == "import os\n\nimport attrs\n\n# the client\nimport httpx\n\nx = 1\n")
    }

    @Test func keepsTheFileLineEnding() throws {
        #expect(try adding(["import httpx"], to: "import os\r\n\r\nx = 1\r\n") == "import os\r\n\r\nimport httpx\r\n\r\nx = 1\r\n")
    }

    @Test func classifiesModules() {
        let own = FirstPartyModules(["app"])
        #expect(ImportPlacement.section(of: "__future__", level: 0, firstParty: own) == .future)
        #expect(ImportPlacement.section(of: "os.path", level: 0, firstParty: own) == .standardLibrary)
        #expect(ImportPlacement.section(of: "tomllib", level: 0, firstParty: own) == .standardLibrary)
        #expect(ImportPlacement.section(of: "httpx", level: 0, firstParty: own) == .thirdParty)
        #expect(ImportPlacement.section(of: "app.db", level: 0, firstParty: own) == .firstParty)
        #expect(ImportPlacement.section(of: "db", level: 1, firstParty: own) == .localFolder)
    }

    @Test func theAppRootDecidesWhatIsFirstParty() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("placement-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/inventory", withIntermediateDirectories: true)
        try Data("x = 1\n".utf8).write(to: URL(fileURLWithPath: root + "/settings.py"))
        try Data("x = 1\n".utf8).write(to: URL(fileURLWithPath: root + "/inventory/db.py"))
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = try EditableFile(path: "wsgi.py", raw: Array("x = 1\n".utf8), root: root)
        #expect(file.firstParty.contains(module: "settings"))
        #expect(file.firstParty.contains(module: "inventory"))
        #expect(file.firstParty.contains(module: "inventory.db"))
        #expect(!file.firstParty.contains(module: "inventory.missing"))
        #expect(!file.firstParty.contains(module: "httpx"))
    }

    @Test func sortsNamesAndModulesAsIsortDoes() {
        #expect(
            ImportPlacement.render(from: "m", names: ["b", "A", "CONST", "a2", "a10", "Zeta"])
                == "from m import CONST, A, Zeta, a2, a10, b")
    }
}
