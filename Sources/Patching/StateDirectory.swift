/// `<app>/.chaos-test/`, created on first use with a `.gitignore` of `*` so none of it is committed.
public enum StateDirectory {
    public static func ensure(_ root: AppRoot) throws(PatchError) {
        let directory = try root.resolve(".chaos-test")
        try FileIO.makeDirectories(directory)
        let ignore = try root.resolve(".chaos-test/.gitignore")
        if try FileIO.read(ignore) != Array("*\n".utf8) {
            try FileIO.writeAtomically(Array("*\n".utf8), to: ignore, mode: 0o644)
        }
    }
}
