/// Splits a command line into words the way a POSIX shell does for the simple cases a serve
/// command uses: white space separates, single and double quotes group, backslash escapes.
/// No expansion of any kind happens: the words go straight to exec.
enum CommandLineWords {
    static func split(_ line: String) throws(RunError) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
                continue
            }
            if character == "\\" && quote != "'" {
                escaped = true
                inWord = true
                continue
            }
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
                continue
            }
            if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character == " " || character == "\t" || character == "\n" {
                if inWord { words.append(current) }
                current = ""
                inWord = false
            } else {
                current.append(character)
                inWord = true
            }
        }
        if quote != nil || escaped { throw RunError.badInput("the command `\(line)` has an unclosed quote or a trailing backslash") }
        if inWord { words.append(current) }
        return words
    }

    /// Replaces `{python}`, `{port}`, `{run}` and other placeholders.
    static func substitute(_ text: String, _ values: [String: String]) -> String {
        var result = text
        for (key, value) in values { result = result.replacingOccurrences(of: "{\(key)}", with: value) }
        return result
    }
}
