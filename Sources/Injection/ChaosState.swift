import Artifacts
import Foundation
import Patching

/// Reading `.chaos-test/` back, strictly: a chaos-config.json that fails its schema, or a patch
/// whose hash differs from the one recorded, is an error that stops the command before any write.
public enum ChaosState {
    /// The config, or nil when nothing is injected.
    public static func loadConfig(_ root: AppRoot) throws(InjectionError) -> ChaosConfig? {
        let path = ".chaos-test/" + Injector.configName
        guard let bytes = try Injector.read(root, path) else { return nil }
        let config: ChaosConfig
        do { config = try ArtifactJSON.decode(ChaosConfig.self, from: Data(bytes)) } catch {
            throw InjectionError(
                .input,
                "\(root.path)/\(path) is not a valid chaos-config.json (\(describe(error))). Nothing was changed. "
                    + "Restore it, or revert by hand with the patches in .chaos-test/patches (`git apply -R`).")
        }
        guard config.schema == ChaosConfig.schemaVersion else {
            throw InjectionError(
                .input,
                "\(root.path)/\(path) has schema \(config.schema); this chaos-test reads schema \(ChaosConfig.schemaVersion)."
            )
        }
        let hex = { (s: String?) in s.map { $0.count == 64 && $0.allSatisfy(\.isHexDigit) } ?? true }
        for file in config.files {
            let fine =
                hex(file.sha256Before) && hex(file.sha256After) && hex(file.patchSha256)
                && file.patch.hasPrefix("patches/") && !file.patch.contains("..")
            guard fine else {
                throw InjectionError(
                    .input,
                    "\(root.path)/\(path): the entry for \(file.path) has a malformed hash or patch path. Nothing was changed."
                )
            }
            do { _ = try root.resolve(file.path) } catch {
                throw InjectionError(.input, "\(root.path)/\(path): \(error.message)")
            }
        }
        return config
    }

    /// The file's patch, parsed, after checking its SHA-256 against the config.
    static func verifiedPatch(_ root: AppRoot, _ file: ChaosConfig.File) throws(InjectionError) -> FilePatch {
        let path = ".chaos-test/" + file.patch
        guard let bytes = try Injector.read(root, path) else {
            throw InjectionError(
                .input,
                "\(root.path)/\(path) is missing; chaos-test needs it to revert \(file.path). Nothing was changed.")
        }
        guard SHA256Digest.hex(bytes) == file.patchSha256 else {
            throw InjectionError(
                .input,
                "\(root.path)/\(path) was modified since inject (its SHA-256 differs from chaos-config.json). Nothing was changed. "
                    + "Restore the patch file to revert safely.")
        }
        let patches: [FilePatch]
        do { patches = try FilePatch.parse(bytes, name: path) } catch { throw InjectionError(.input, error.message) }
        guard patches.count == 1, patches[0].path == file.path else {
            throw InjectionError(.input, "\(root.path)/\(path) is not the patch of \(file.path). Nothing was changed.")
        }
        return patches[0]
    }

    public static func loadSettings(_ root: AppRoot) throws(InjectionError) -> ChaosSettings? {
        let path = ".chaos-test/" + Injector.settingsName
        guard let bytes = try Injector.read(root, path) else { return nil }
        do { return try ArtifactJSON.decode(ChaosSettings.self, from: Data(bytes)) } catch {
            throw InjectionError(
                .input, "\(root.path)/\(path) is not valid settings (\(describe(error))); fix it or inject again.")
        }
    }

    static func describe(_ error: Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            return "missing `\(key.stringValue)` at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return
                "wrong value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        default:
            return "\(error)"
        }
    }
}
