import Foundation

/// The Python runtime the hooks call (`chaos_test_runtime.py`), shipped as a resource and added
/// to the app by the inject patch as a new file.
public enum Runtime {
    public static let fileName = "chaos_test_runtime.py"
    public static let moduleName = "chaos_test_runtime"

    /// The runtime's bytes, exactly as shipped.
    public static func source() throws(InjectionError) -> [UInt8] {
        guard let url = Bundle.module.url(forResource: "chaos_test_runtime", withExtension: "py"),
            let data = try? Data(contentsOf: url)
        else {
            throw InjectionError(
                .environment,
                "the bundled Python runtime chaos_test_runtime.py is missing from this chaos-test build; reinstall chaos-test."
            )
        }
        return [UInt8](data)
    }
}
