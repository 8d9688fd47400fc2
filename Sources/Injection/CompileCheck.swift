import Foundation
import Patching

/// Compiles rewritten files in memory with the app's Python (`compile(source, path, "exec")`),
/// so no `__pycache__` is left behind. A file that compiled before and not after is an error
/// naming the file and line; a file that never compiled is not our doing and is let through.
public enum CompileCheck {
    public struct Failure: Sendable, Equatable {
        public var path: String
        public var line: Int
        public var message: String
    }

    static let script = #"""
        import base64, json, sys
        out = []
        for item in json.load(sys.stdin):
            result = {"path": item["path"]}
            for side in ("before", "after"):
                data = item.get(side)
                if data is None:
                    result[side] = None
                    continue
                try:
                    compile(base64.b64decode(data), item["path"], "exec", dont_inherit=True)
                    result[side] = None
                except (SyntaxError, ValueError) as e:
                    result[side] = [getattr(e, "lineno", 0) or 0, "%s: %s" % (type(e).__name__, getattr(e, "msg", str(e)))]
            out.append(result)
        json.dump(out, sys.stdout)
        """#

    /// Returns, per file, nil or the failure of the new bytes where the old ones compiled.
    public static func failures(_ files: [FileChange], python: String) throws(InjectionError) -> [Failure] {
        let items: [[String: String?]] = files.map { change in
            [
                "path": change.path,
                "before": change.before.map { Data($0).base64EncodedString() },
                "after": change.after.map { Data($0).base64EncodedString() },
            ]
        }
        let input: Data
        do { input = try JSONSerialization.data(withJSONObject: items.map { $0.compactMapValues { $0 } }) } catch {
            throw InjectionError(.environment, "cannot encode files for the compile check: \(error)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [python, "-B", "-c", script]
        let stdin = Pipe()
        let stdout = Pipe()
        let stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        do { try process.run() } catch {
            throw InjectionError(
                .environment,
                "cannot run \(python) for the compile check: \(error). Install Python 3 or create the app's .venv.")
        }
        // Feed stdin from another thread so a large batch cannot deadlock against a full stdout pipe.
        let writer = Thread {
            stdin.fileHandleForWriting.write(input)
            try? stdin.fileHandleForWriting.close()
        }
        writer.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0,
            let results = try? JSONSerialization.jsonObject(with: output) as? [[String: Any]]
        else {
            throw InjectionError(
                .environment,
                "the compile check with \(python) failed: \(String(decoding: errors, as: UTF8.self).suffix(400))")
        }
        var failures: [Failure] = []
        for result in results {
            guard let path = result["path"] as? String else { continue }
            if let after = result["after"] as? [Any], result["before"] is NSNull || result["before"] == nil {
                failures.append(
                    Failure(path: path, line: after.first as? Int ?? 0, message: after.last as? String ?? ""))
            }
        }
        return failures
    }

    /// Throws, naming the file and line, when any rewritten file no longer compiles.
    public static func check(_ files: [FileChange], python: String) throws(InjectionError) {
        let failures = try failures(files, python: python)
        guard failures.isEmpty else {
            throw InjectionError(
                .input,
                "the injected source would not compile, so nothing was applied:\n"
                    + failures.map { "  \($0.path):\($0.line): \($0.message)" }.joined(separator: "\n")
                    + "\nThis is a chaos-test bug; please report it with the file.")
        }
    }
}
