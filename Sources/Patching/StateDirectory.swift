import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `<app>/.chaos-test/`, created on first use with a `.gitignore` of `*` so none of it is committed.
///
/// Its `tmp/` folder holds the temporary files of atomic writes: they are renamed into place in
/// the app's tree, and until then `git add -A` cannot pick them up. Only a command holding the
/// app's lock writes there, and every writing command empties it first (`Transaction.recover`).
public enum StateDirectory {
    /// `.chaos-test/tmp`, relative to the app root.
    public static let temporaryFolder = ".chaos-test/tmp"

    /// The suffix every chaos-test temporary file ends with, wherever it is: `.chaos-test-<pid>.tmp`.
    public static func isTemporaryName(_ name: String) -> Bool {
        guard name.hasSuffix(".tmp"), let marker = name.range(of: ".chaos-test-", options: .backwards) else {
            return false
        }
        let pid = name[marker.upperBound..<name.index(name.endIndex, offsetBy: -4)]
        return !pid.isEmpty && pid.allSatisfy(\.isNumber)
    }

    public static func ensure(_ root: AppRoot) throws(PatchError) {
        let directory = try root.resolve(".chaos-test")
        try FileIO.makeDirectories(directory)
        let ignore = try root.resolve(".chaos-test/.gitignore")
        if try FileIO.read(ignore) != Array("*\n".utf8) {
            // In place: a temporary written before the .gitignore exists would be visible to git.
            try FileIO.writeInPlace(Array("*\n".utf8), to: ignore, mode: 0o644)
        }
        try FileIO.makeDirectories(try root.resolve(temporaryFolder))
    }

    /// Where the atomic write of `relative` puts its temporary file, relative to the root:
    /// in `.chaos-test/tmp/` when that is on the target's file system (a rename cannot cross
    /// file systems), else beside the target. `index` keeps the names of one transaction apart.
    public static func temporary(for relative: String, index: Int, in root: AppRoot) throws(PatchError) -> String {
        let name = relative.split(separator: "/").last.map(String.init) ?? relative
        let suffix = ".chaos-test-\(getpid()).tmp"
        let folder = try root.resolve(temporaryFolder)
        let target = try root.resolve(relative)
        if let here = FileIO.device(folder), here == FileIO.device(target) {
            return "\(temporaryFolder)/\(String(format: "%03d", index)).\(name)\(suffix)"
        }
        let parent = relative.contains("/") ? String(relative[..<relative.lastIndex(of: "/")!]) + "/" : ""
        return "\(parent).\(name)\(suffix)"
    }
}
