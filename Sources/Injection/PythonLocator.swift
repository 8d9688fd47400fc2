import Foundation
import Patching

/// The app's Python: its `.venv` or `venv`, else `python3` on the PATH.
public enum PythonLocator {
    public static func python(for root: AppRoot) -> String {
        for candidate in [".venv/bin/python", "venv/bin/python"] {
            let path = root.path + "/" + candidate
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return "python3"
    }
}
