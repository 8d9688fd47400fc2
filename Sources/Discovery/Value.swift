/// What the scanner knows an expression evaluates to. `unknown` is always a safe answer:
/// a wrong value would put a route at a wrong path or an edge in the wrong place.
indirect enum Value: Hashable {
    case unknown
    /// A module of the app, by dotted name.
    case module(String)
    /// A name outside the app: `httpx`, `httpx.AsyncClient`, `builtins.open`.
    case external(String)
    /// A function or class of the app.
    case definition(DefRef)
    /// An instance of a class (library or app), with where it was created when known.
    case instance(TypeRef, origin: Origin?)
    /// A method looked up on an instance; calling it asks the catalog or the app's code.
    case boundMethod(TypeRef, name: String, origin: Origin?)
    /// A web framework object: an app, router, blueprint or mount, by registry id.
    case object(Int)
    case string(String)
    case stringList([String])
}

enum TypeRef: Hashable {
    case external(String)
    case app(DefRef)
}

/// Where an instance was created: the call that built it and the function it ran in.
struct Origin: Hashable {
    var module: Int
    var call: Int
    /// The function whose body made the call (nil: module level).
    var scope: Int?
    /// Whether the constructor was given a timeout.
    var hasTimeout: Bool
    var line: Int
}
