import Foundation
import Testing

@testable import LoadGen

struct CookieJarTests {
    let now = 1_700_000_000.0

    @Test func sendsBackWhatWasSetAndReplacesByNameAndPath() {
        let jar = CookieJar()
        jar.receive(["session=abc; HttpOnly; Path=/", "theme=dark"], requestPath: "/login", now: now)
        #expect(jar.header(for: "/me?x=1", now: now) == "session=abc; theme=dark")
        jar.receive(["session=def; Path=/"], requestPath: "/me", now: now)
        #expect(jar.header(for: "/", now: now) == "session=def; theme=dark")
        #expect(jar.value(named: "session", now: now) == "def")
    }

    @Test func honoursPathWithTheDefaultPathOfRFC6265() {
        let jar = CookieJar()
        jar.receive(["a=1; Path=/api", "b=2"], requestPath: "/shop/cart/view", now: now)
        #expect(CookieJar.defaultPath("/shop/cart/view") == "/shop/cart")
        #expect(CookieJar.defaultPath("/login") == "/")
        #expect(jar.header(for: "/api/items", now: now) == "a=1")
        #expect(jar.header(for: "/apix", now: now) == nil)
        #expect(jar.header(for: "/shop/cart", now: now) == "b=2")
        #expect(jar.header(for: "/shop/cart/x", now: now) == "b=2")
    }

    @Test func longerPathsComeFirst() {
        let jar = CookieJar()
        jar.receive(["x=root; Path=/", "x=deep; Path=/a/b"], requestPath: "/", now: now)
        #expect(jar.header(for: "/a/b/c", now: now) == "x=deep; x=root")
    }

    @Test func maxAgeAndExpiresEndACookie() {
        let jar = CookieJar()
        jar.receive(
            ["short=1; Max-Age=10", "gone=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT", "long=1; Expires=Wed, 21 Oct 2099 07:28:00 GMT"],
            requestPath: "/", now: now)
        #expect(jar.header(for: "/", now: now) == "short=1; long=1")
        #expect(jar.header(for: "/", now: now + 11) == "long=1")
        // Django's logout: an empty value with Max-Age=0 deletes the cookie.
        jar.receive(["long=\"\"; Max-Age=0; Path=/"], requestPath: "/logout", now: now)
        #expect(jar.header(for: "/", now: now) == nil)
        // Max-Age wins over Expires.
        jar.receive(["both=1; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=100"], requestPath: "/", now: now)
        #expect(jar.value(named: "both", now: now + 50) == "1")
    }

    @Test func ignoresHeadersWithoutAName() {
        let jar = CookieJar()
        jar.receive(["novalue", "=x", " spaced = y ; Path=/"], requestPath: "/", now: now)
        #expect(jar.header(for: "/", now: now) == "spaced=y")
    }

    @Test(arguments: [
        ("Sun, 06 Nov 1994 08:49:37 GMT", 784_111_777.0),
        ("Sunday, 06-Nov-94 08:49:37 GMT", 784_111_777.0),
        ("Sun, 06-Nov-1994 08:49:37 GMT", 784_111_777.0),
        ("Thu, 29 Feb 2024 00:00:00 GMT", 1_709_164_800.0),
    ])
    func readsHTTPDates(text: String, seconds: Double) {
        #expect(HTTPDate.unixSeconds(text) == seconds)
    }

    @Test func rejectsWhatIsNotADate() {
        #expect(HTTPDate.unixSeconds("soon") == nil)
        #expect(HTTPDate.unixSeconds("06 Nov 1994") == nil)
    }

    @Test func retryAfterTakesSecondsOrADateAndDefaultsToOne() {
        #expect(RetryAfter.seconds("3", now: now) == 3)
        #expect(RetryAfter.seconds(nil, now: now) == 1)
        #expect(RetryAfter.seconds("later", now: now) == 1)
        #expect(RetryAfter.seconds("86400", now: now) == RetryAfter.maxSeconds)
        #expect(RetryAfter.seconds("Sun, 06 Nov 1994 08:49:47 GMT", now: 784_111_777) == 10)
    }
}
