import ArgumentParser
import Foundation

/// A failure a command reports to the user: the sentence that says what to do, and the exit
/// status CONTRACTS.md gives it.
struct CLIFailure: Error, CustomStringConvertible {
    enum Code: Int32 {
        /// The command worked, but a check failed.
        case checkFailed = 1
        /// Bad arguments or input.
        case badInput = 2
        /// The environment failed.
        case environment = 3
    }

    var message: String
    var code: Code

    var description: String { message }
}
