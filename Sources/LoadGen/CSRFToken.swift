/// The CSRF token a login page hands out, read from its HTML.
///
/// Django writes `<input type="hidden" name="csrfmiddlewaretoken" value="...">`, Flask-WTF
/// `<input name="csrf_token" ...>`, Rails-style layouts `<meta name="csrf-token" content="...">`.
struct CSRFToken: Sendable, Equatable {
    /// The form field to send the token in; nil when it came from a `<meta>` tag (then only the header carries it).
    var field: String?
    var value: String

    static let inputNames = ["csrfmiddlewaretoken", "csrf_token", "_csrf_token", "csrf", "_csrf", "authenticity_token", "_token"]
    static let metaNames = ["csrf-token", "csrf_token", "csrfmiddlewaretoken", "_csrf"]

    /// The first token found in `html`; form inputs win over meta tags.
    static func find(in html: String) -> CSRFToken? {
        let tags = HTMLTags.scan(html, names: ["input", "meta"])
        for tag in tags where tag.name == "input" {
            if let name = tag.attributes["name"], inputNames.contains(name), let value = tag.attributes["value"], !value.isEmpty {
                return CSRFToken(field: name, value: value)
            }
        }
        for tag in tags where tag.name == "meta" {
            if let name = tag.attributes["name"]?.lowercased(), metaNames.contains(name),
                let value = tag.attributes["content"], !value.isEmpty
            {
                return CSRFToken(field: nil, value: value)
            }
        }
        return nil
    }

    /// Whether `html` holds a password field: a form login that answers with one came back to the form.
    static func hasPasswordField(_ html: String) -> Bool {
        HTMLTags.scan(html, names: ["input"]).contains { $0.attributes["type"]?.lowercased() == "password" }
    }
}
