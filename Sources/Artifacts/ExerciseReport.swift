/// `exercise.json` (`run --coverage`): what the load reached, read from coverage.py's data for
/// the injected source. A point is exercised when its hook line ran; a route's handler ran
/// when its handler hook ran.
public struct ExerciseReport: Codable, Sendable, Equatable {
    public static let schemaVersion = 1
    public static let fileName = "exercise.json"

    public var schema: Int
    /// The Cobertura file it was read from, relative to the run folder.
    public var coverage: String
    public var routes: [RouteExercise]
    /// Points no request reached, with their place in the original source.
    public var pointsNotReached: [PointPlace]

    enum CodingKeys: String, CodingKey {
        case schema, coverage, routes
        case pointsNotReached = "points_not_reached"
    }

    public init(coverage: String, routes: [RouteExercise], pointsNotReached: [PointPlace]) {
        self.schema = Self.schemaVersion
        self.coverage = coverage
        self.routes = routes
        self.pointsNotReached = pointsNotReached
    }

    /// The routes whose handler never ran during the load.
    public var notExercised: [RouteExercise] { routes.filter { $0.handlerRan == false } }

    public struct RouteExercise: Codable, Sendable, Equatable {
        public var endpoint: String
        public var file: String
        public var line: Int
        public var function: String
        /// nil when the route has no handler hook (it was left out of the injection).
        public var handlerRan: Bool?
        /// Requests the load sent to it, over both phases.
        public var requests: Int
        public var pointsExercised: [String]
        public var pointsNotReached: [String]

        enum CodingKeys: String, CodingKey {
            case endpoint, file, line, function, requests
            case handlerRan = "handler_ran"
            case pointsExercised = "points_exercised"
            case pointsNotReached = "points_not_reached"
        }

        public init(
            endpoint: String, file: String, line: Int, function: String, handlerRan: Bool?, requests: Int, pointsExercised: [String],
            pointsNotReached: [String]
        ) {
            self.endpoint = endpoint
            self.file = file
            self.line = line
            self.function = function
            self.handlerRan = handlerRan
            self.requests = requests
            self.pointsExercised = pointsExercised
            self.pointsNotReached = pointsNotReached
        }
    }

    public struct PointPlace: Codable, Sendable, Equatable {
        public var id: String
        public var file: String
        public var line: Int
        public var function: String

        public init(id: String, file: String, line: Int, function: String) {
            self.id = id
            self.file = file
            self.line = line
            self.function = function
        }
    }
}
