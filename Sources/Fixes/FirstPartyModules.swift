import Foundation

/// The modules ruff's isort counts as the app's own (its first-party section), found as ruff 0.17
/// finds them with its default `src = ["."]`: a dotted module whose path exists under the app's
/// root (`app/config.py` or `app/config/` for `app.config`), or any module of the package that
/// holds the file being edited.
struct FirstPartyModules: Sendable {
    /// Top-level packages every module of which is first-party: the edited file's own.
    var packages: Set<String>
    var root: String?

    /// `path` is the edited file's path relative to `root`.
    init(root: String?, path: String) {
        let components = path.split(separator: "/")
        packages = components.count > 1 ? [String(components[0])] : []
        self.root = root
    }

    /// For tests: these top-level packages, nothing on disk.
    init(_ packages: Set<String>) {
        self.packages = packages
        root = nil
    }

    func contains(module: String) -> Bool {
        let parts = module.split(separator: ".").map(String.init)
        guard let top = parts.first else { return false }
        if packages.contains(top) { return true }
        guard let root else { return false }
        let path = root + "/" + parts.joined(separator: "/")
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
            || FileManager.default.fileExists(atPath: path + ".py") || FileManager.default.fileExists(atPath: path + ".pyi")
    }
}
