import Testing

@testable import LoadGen

struct CSRFTokenTests {
    @Test func readsDjangosHiddenInput() {
        let html = #"<form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="AbC123xyz"><input name="username"></form>"#
        #expect(CSRFToken.find(in: html) == CSRFToken(field: "csrfmiddlewaretoken", value: "AbC123xyz"))
    }

    @Test func readsFlaskWTFWhateverTheAttributeOrderAndQuotes() {
        let html = "<INPUT id=csrf_token value='IjQ1Zj.abc' type=hidden NAME=csrf_token/>"
        #expect(CSRFToken.find(in: html) == CSRFToken(field: "csrf_token", value: "IjQ1Zj.abc"))
    }

    @Test func fallsBackToTheMetaTag() {
        let html = #"<head><meta charset="utf-8"><meta name="csrf-token" content="t&amp;k"></head><input name="q" value="x">"#
        #expect(CSRFToken.find(in: html) == CSRFToken(field: nil, value: "t&k"))
    }

    @Test func findsNoTokenWhereThereIsNone() {
        #expect(CSRFToken.find(in: "<form><input name=username value=ada></form>") == nil)
        #expect(CSRFToken.find(in: "<inputs name=csrf_token value=x>") == nil)
    }

    @Test func spotsALoginFormThatCameBack() {
        #expect(CSRFToken.hasPasswordField(#"<input type="PASSWORD" name="password">"#))
        #expect(!CSRFToken.hasPasswordField(#"<p>Welcome</p><input type="text">"#))
    }

    @Test func formBodiesAreURLEncodedInNameOrder() {
        #expect(String(decoding: FormEncoding.encode(["b": "x y&z", "a": "é/1"]), as: UTF8.self) == "a=%C3%A9%2F1&b=x+y%26z")
    }
}
