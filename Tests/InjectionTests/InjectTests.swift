import Artifacts
import Foundation
import TestSupport
import Testing

@testable import Injection
@testable import Patching

/// Inject and revert through the library, on the fixture app.
struct InjectTests {
    func inject(_ dir: TemporaryDirectory, seed: UInt64 = 1) throws -> Injector.InjectReport {
        try Injector.inject(
            root: AppRoot(dir.path), scan: FixtureApp.scan, options: InjectOptions(seed: seed), dryRun: false)
    }

    @Test func injectKeepsEveryByteItDoesNotMeanToChangeAndRevertRestoresThem() throws {
        let dir = try TemporaryDirectory()
        let originals = try FixtureApp.write(into: dir)
        let report = try inject(dir)
        #expect(!report.alreadyInjected)
        // Handler hooks on both api routes and the tabs handler; dependency hooks on client.get and the first requests.get.
        #expect(report.config.points.count == 5)
        #expect(report.diagnostics.contains { $0.line == 9 && $0.message.contains("`while` condition") })

        let api = String(decoding: dir.read("shop/api.py")!, as: UTF8.self)
        #expect(api.hasPrefix("\u{FEFF}# -*- coding: utf-8 -*-\r\n"))
        #expect(api.contains("    \"\"\"\r\n    await __import__(\"chaos_test_runtime\").ahook(\""))  // after the docstring, CRLF kept
        #expect(api.contains("def ping(): __import__(\"chaos_test_runtime\").hook(\""))  // one-line body
        #expect(!api.replacingOccurrences(of: "\r\n", with: "").contains("\n"))  // no bare LF in a CRLF file
        let tabs = String(decoding: dir.read("shop/tabs.py")!, as: UTF8.self)
        #expect(tabs.contains("\t\t__import__(\"chaos_test_runtime\").hook(\""))
        #expect(tabs.contains("def handler(x): \"doc\"; __import__(\"chaos_test_runtime\").hook(\""))
        #expect(!tabs.hasSuffix("\n"))
        #expect(FileIO.mode(dir.path + "/shop/tabs.py") == 0o755)
        let main = String(decoding: dir.read("shop/main.py")!, as: UTF8.self)
        #expect(
            main.contains(
                ")\napp.add_middleware(__import__(\"chaos_test_runtime\").ASGIMiddleware)  # chaos-test: middleware\napp.include_router"
            ))
        #expect(dir.read("chaos_test_runtime.py") == (try Runtime.source()))

        // inserted_lines point at the hook lines of the injected file.
        for point in report.config.points {
            let lines = ByteLines.split(dir.read(point.file)!)
            #expect(!point.insertedLines.isEmpty)
            for line in point.insertedLines {
                #expect(String(decoding: lines[line - 1], as: UTF8.self).contains("# chaos-test: \(point.short)"))
            }
        }

        // Every line inject did not add maps back to the same line of the original.
        for file in report.config.files where file.sha256Before != nil {
            let injected = ByteLines.split(dir.read(file.path)!)
            let original = ByteLines.split(originals[file.path]!)
            #expect(injected.count == original.count + file.insertedLines.count)
            for number in 1...injected.count {
                guard let back = file.originalLine(ofInjected: number) else {
                    #expect(String(decoding: injected[number - 1], as: UTF8.self).contains("# chaos-test: "))
                    continue
                }
                let same = injected[number - 1].elementsEqual(original[back - 1])
                #expect(
                    same || String(decoding: injected[number - 1], as: UTF8.self).contains("# chaos-test: "),
                    "\(file.path):\(number)")
            }
        }

        let revert = try Injector.revert(root: AppRoot(dir.path))
        #expect(revert.reverted && revert.merged.isEmpty)
        for (path, bytes) in originals { #expect(dir.read(path) == bytes, "\(path)") }
        #expect(dir.read("chaos_test_runtime.py") == nil)
        #expect(dir.read(".chaos-test/settings.json") == nil)
        #expect(dir.read(".chaos-test/chaos-config.json") == nil)
        #expect(FileIO.mode(dir.path + "/shop/tabs.py") == 0o755)
        #expect(try HookCheck.findings(AppRoot(dir.path)).isEmpty)
    }

    @Test func everyPatchIsAcceptedByGitAndPatch() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        let pristine = try TemporaryDirectory()
        try FixtureApp.write(into: pristine)
        _ = try run("/usr/bin/git", ["-C", pristine.path, "init", "-q"])
        let report = try inject(dir)
        for file in report.config.files {
            let patch = dir.path + "/.chaos-test/" + file.patch
            let check = try run("/usr/bin/git", ["-C", pristine.path, "apply", "--check", patch])
            #expect(check.0 == 0, "git apply --check \(file.patch): \(check.1)")
            let dry = try run("/usr/bin/patch", ["-p1", "-N", "-F0", "--dry-run", "-d", pristine.path, "-i", patch])
            #expect(dry.0 == 0, "patch --dry-run \(file.patch): \(dry.1)")
            let reverse = try run("/usr/bin/git", ["-C", dir.path, "apply", "-R", "--check", patch])
            #expect(reverse.0 == 0, "git apply -R --check \(file.patch): \(reverse.1)")
        }
        // Applying them all with git gives exactly the injected files.
        for file in report.config.files {
            let apply = try run(
                "/usr/bin/git", ["-C", pristine.path, "apply", dir.path + "/.chaos-test/" + file.patch])
            #expect(apply.0 == 0, "\(apply.1)")
            #expect(pristine.read(file.path) == dir.read(file.path), "\(file.path)")
        }
    }

    @Test func routesGlobAndFaultsNarrowThePlan() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        let options = InjectOptions(faults: [.dependency], routes: "/it*", seed: 1)
        let report = try Injector.inject(root: AppRoot(dir.path), scan: FixtureApp.scan, options: options, dryRun: true)
        #expect(report.config.points.map(\.function) == ["list_items"])
        #expect(
            report.config.points.allSatisfy {
                $0.kind == .dependency && $0.fault.faults == [.dependency] && $0.fault.library == "httpx"
            })
        #expect(report.config.defaults.faults == [.dependency])
        #expect(throws: InjectionError.self) {
            try Injector.inject(
                root: AppRoot(dir.path), scan: FixtureApp.scan, options: InjectOptions(routes: "/nothing*"),
                dryRun: true)
        }
        #expect(dir.read(".chaos-test/chaos-config.json") == nil)
    }

    @Test func injectingTwiceAddsNothing() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        _ = try inject(dir)
        let before = try snapshot(dir)
        let second = try inject(dir)
        #expect(second.alreadyInjected)
        #expect(try snapshot(dir) == before)
    }

    @Test func revertKeepsUserEditsAndRemovesOnlyHookLines() throws {
        let dir = try TemporaryDirectory()
        let originals = try FixtureApp.write(into: dir)
        _ = try inject(dir)
        // The user edits the injected file elsewhere, then reverts.
        var api = String(decoding: dir.read("shop/api.py")!, as: UTF8.self)
        api = api.replacingOccurrences(of: "router = APIRouter()", with: "router = APIRouter(prefix=\"/v2\")")
        try dir.write("shop/api.py", Array(api.utf8))
        let report = try Injector.revert(root: AppRoot(dir.path))
        #expect(report.merged == ["shop/api.py"])
        let expected = String(decoding: originals["shop/api.py"]!, as: UTF8.self)
            .replacingOccurrences(of: "router = APIRouter()", with: "router = APIRouter(prefix=\"/v2\")")
        #expect(dir.read("shop/api.py") == Array(expected.utf8))
        #expect(dir.read("shop/tabs.py") == originals["shop/tabs.py"])
    }

    @Test func revertAcceptsHookLinesTheUserAlreadyDeleted() throws {
        let dir = try TemporaryDirectory()
        let originals = try FixtureApp.write(into: dir)
        let report = try inject(dir)
        let point = report.config.points.first { $0.file == "shop/tabs.py" && $0.kind == .dependency }!
        let kept = ByteLines.split(dir.read("shop/tabs.py")!).filter {
            !String(decoding: $0, as: UTF8.self).contains("# chaos-test: \(point.short)")
        }
        try dir.write("shop/tabs.py", ByteLines.join(kept), mode: 0o755)
        let revert = try Injector.revert(root: AppRoot(dir.path))
        #expect(revert.merged == ["shop/tabs.py"])
        #expect(dir.read("shop/tabs.py") == originals["shop/tabs.py"])
    }

    @Test func revertRefusesWhenAHookLineWasEditedAndChangesNothing() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        let report = try inject(dir)
        let point = report.config.points.first { $0.file == "shop/tabs.py" && $0.kind == .dependency }!
        var tabs = String(decoding: dir.read("shop/tabs.py")!, as: UTF8.self)
        tabs = tabs.replacingOccurrences(of: "hook(\"\(point.short)\")", with: "hook(\"\(point.short)\") or None")
        try dir.write("shop/tabs.py", Array(tabs.utf8), mode: 0o755)
        let before = try snapshot(dir)
        #expect {
            try Injector.revert(root: AppRoot(dir.path))
        } throws: { error in
            let e = error as! InjectionError
            return e.kind == .conflict && e.message.contains("shop/tabs.py") && e.message.contains(point.short)
        }
        #expect(try snapshot(dir) == before)
    }

    @Test func tamperedConfigOrPatchIsRefusedAndNothingChanges() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        let report = try inject(dir)
        // A patch edited by hand.
        let patch = ".chaos-test/" + report.config.files[0].patch
        let good = dir.read(patch)!
        try dir.write(patch, good + Array("+extra\n".utf8))
        var before = try snapshot(dir)
        #expect { try Injector.revert(root: AppRoot(dir.path)) } throws: { error in
            (error as! InjectionError).message.contains("was modified since inject")
        }
        #expect(try snapshot(dir) == before)
        try dir.write(patch, good)
        // A config that fails its schema.
        let config = dir.read(".chaos-test/chaos-config.json")!
        try dir.write(
            ".chaos-test/chaos-config.json",
            Array(
                String(decoding: config, as: UTF8.self).replacingOccurrences(of: "\"sha256_after\"", with: "\"sha\"")
                    .utf8))
        before = try snapshot(dir)
        #expect { try Injector.revert(root: AppRoot(dir.path)) } throws: { error in
            (error as! InjectionError).message.contains("not a valid chaos-config.json")
        }
        #expect(try snapshot(dir) == before)
        // A config whose recorded original hash is wrong: the reverse patch must not be trusted.
        let forged = String(decoding: config, as: UTF8.self).replacingOccurrences(
            of: report.config.files[0].sha256Before ?? "x", with: String(repeating: "0", count: 64))
        try dir.write(".chaos-test/chaos-config.json", Array(forged.utf8))
        before = try snapshot(dir)
        #expect(throws: InjectionError.self) { try Injector.revert(root: AppRoot(dir.path)) }
        #expect(try snapshot(dir) == before)
    }

    @Test func symlinkLeavingTheRootIsRefused() throws {
        let dir = try TemporaryDirectory()
        let outside = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        try outside.write("api.py", Array(FixtureApp.api.utf8))
        try FileManager.default.removeItem(atPath: dir.path + "/shop/api.py")
        try FileManager.default.createSymbolicLink(
            atPath: dir.path + "/shop/api.py", withDestinationPath: outside.path + "/api.py")
        let before = try snapshot(dir)
        #expect { try inject(dir) } throws: { error in "\(error)".contains("outside the app folder") }
        #expect(try snapshot(dir) == before)
        #expect(outside.read("api.py") == Array(FixtureApp.api.utf8))
    }

    @Test func pointIdsAreStableWhenTheFileIsEditedElsewhere() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        let first = try Injector.inject(
            root: AppRoot(dir.path), scan: FixtureApp.scan, options: InjectOptions(seed: 1), dryRun: true)
        var moved = FixtureApp.scan
        moved.routes = moved.routes.map {
            var r = $0
            r.line += 3
            return r
        }
        moved.dependencies = moved.dependencies.map {
            var d = $0
            d.line += 3
            return d
        }
        // The same functions three lines lower: same ids.
        #expect(Set(first.config.points.map(\.id)) == Set(ChaosPlannerIDs.ids(moved)))
    }

    @Test func chaosOnOffSetChangesOnlySettings() throws {
        let dir = try TemporaryDirectory()
        try FixtureApp.write(into: dir)
        let report = try inject(dir)
        let root = try AppRoot(dir.path)
        var before = try snapshot(dir)
        before.removeValue(forKey: ".chaos-test/settings.json")
        #expect(try LiveControl.apply(.off, root: root).enabled == false)
        #expect(try LiveControl.apply(.rate(0.5, point: nil), root: root).default.rate == 0.5)
        let short = report.config.points[0].short
        #expect(try LiveControl.apply(.rate(1, point: short), root: root).points[report.config.points[0].id]?.rate == 1)
        #expect(throws: InjectionError.self) { try LiveControl.apply(.rate(2, point: nil), root: root) }
        #expect(throws: InjectionError.self) { try LiveControl.apply(.rate(0.2, point: "nope"), root: root) }
        var after = try snapshot(dir)
        after.removeValue(forKey: ".chaos-test/settings.json")
        #expect(after == before)
        let status = try LiveControl.status(root: root)
        #expect(status.injected && status.enabled == false && status.points.count == report.config.points.count)
    }

    /// Every regular file under the folder (except the lock), with its bytes and mode.
    func snapshot(_ dir: TemporaryDirectory) throws -> [String: String] {
        var out: [String: String] = [:]
        let walker = FileManager.default.enumerator(atPath: dir.path)!
        while let relative = walker.nextObject() as? String {
            guard walker.fileAttributes?[.type] as? FileAttributeType == .typeRegular, !relative.hasSuffix("lock"),
                relative != ".chaos-test/.gitignore"
            else { continue }
            let bytes = dir.read(relative) ?? []
            out[relative] =
                SHA256Digest.hex(bytes) + " " + String(FileIO.mode(dir.path + "/" + relative) ?? 0, radix: 8)
        }
        return out
    }
}

enum ChaosPlannerIDs {
    static func ids(_ scan: ScanResult) -> [String] {
        scan.routes.map {
            PointID.make(kind: .handler, file: $0.file, qualname: $0.qualname, callee: "entry", ordinal: 0)
        }
            + [
                PointID.make(
                    kind: .dependency, file: "shop/api.py", qualname: "list_items", callee: "client.get", ordinal: 0),
                PointID.make(
                    kind: .dependency, file: "shop/tabs.py", qualname: "fetch", callee: "requests.get", ordinal: 0),
            ]
    }
}
