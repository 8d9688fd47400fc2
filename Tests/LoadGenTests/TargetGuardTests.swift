import Testing

@testable import LoadGen

/// The refusal is tested on the check itself: these tests never open a socket.
struct TargetGuardTests {
    @Test(arguments: ["127.0.0.1", "127.1.2.3", "127.255.255.254", "localhost", "LOCALHOST", "api.localhost", "::1", "[::1]", "::ffff:127.0.0.1", "0:0:0:0:0:0:0:1"])
    func loopbackHostsAreAccepted(host: String) {
        #expect(TargetGuard.isLoopback(host: host))
    }

    @Test(arguments: ["10.0.0.1", "192.168.1.10", "172.16.0.1", "8.8.8.8", "0.0.0.0", "128.0.0.1", "::", "::2", "fe80::1", "example.com", "127.0.0.1.nip.io", "localhost.example.com", "2130706433", ""])
    func otherHostsAreRefused(host: String) {
        #expect(!TargetGuard.isLoopback(host: host))
    }

    @Test func refusalExplainsWhyAndWhatToDo() {
        let error = #expect(throws: LoadError.self) {
            try TargetGuard.check("http://203.0.113.7:8080", allowRemote: false)
        }
        #expect(error?.exitCode == 2)
        #expect(error?.message.contains("203.0.113.7") == true)
        #expect(error?.message.contains("not a loopback address") == true)
        #expect(error?.message.contains("--allow-remote") == true)
    }

    @Test func allowRemoteLetsAnExplicitTargetThrough() throws {
        let url = try TargetGuard.check("http://203.0.113.7:8080", allowRemote: true)
        #expect(url.host == "203.0.113.7")
    }

    @Test func loopbackURLsPass() throws {
        #expect(try TargetGuard.check("http://127.0.0.1:8000", allowRemote: false).port == 8000)
        #expect(try TargetGuard.check("http://[::1]:8000/", allowRemote: false).port == 8000)
    }

    @Test func malformedURLsAreBadArguments() {
        for text in ["127.0.0.1:8000", "ftp://127.0.0.1/", "not a url"] {
            #expect(throws: LoadError.self) { try TargetGuard.check(text, allowRemote: false) }
        }
    }
}
