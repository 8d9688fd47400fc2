import Foundation
import TestSupport
import Testing

/// `Patches/<sample>/chaos/` holds what `inject --seed 1` writes for each sample: its patches,
/// chaos-config.json and settings.json. This test regenerates them with the real binary and
/// compares byte for byte. Re-record with `CHAOS_TEST_RECORD=1 swift test --filter GoldenPatchTests`.
struct GoldenPatchTests {
    @Test(arguments: [Samples.orbital, Samples.flask].map(\.name))
    func injectWritesTheGoldenPatches(_ name: String) throws {
        let sample = [Samples.orbital, Samples.flask].first { $0.name == name }!
        let (dir, _) = try Samples.copy(sample)
        let (status, output) = try Binary.run(["inject", dir.path, "--app", sample.app, "--seed", "1"])
        try #require(status == 0, "\(output)")
        let written = dir.path + "/.chaos-test"
        var produced: [String: [UInt8]] = [:]
        for name in ["chaos-config.json", "settings.json"] { produced[name] = dir.read(".chaos-test/" + name) }
        for name in try FileManager.default.contentsOfDirectory(atPath: written + "/patches") {
            produced["patches/" + name] = dir.read(".chaos-test/patches/" + name)
        }
        // git and patch accept every patch against the untouched sample, and git sees it applied in the injected one.
        let (pristine, _) = try Samples.copy(sample)
        _ = try run("/usr/bin/git", ["-C", pristine.path, "init", "-q"])
        _ = try run("/usr/bin/git", ["-C", dir.path, "init", "-q"])
        for name in produced.keys where name.hasPrefix("patches/") {
            let patch = written + "/" + name
            let check = try run("/usr/bin/git", ["-C", pristine.path, "apply", "--check", patch])
            #expect(check.0 == 0, "git apply --check \(name): \(check.1)")
            let dry = try run("/usr/bin/patch", ["-p1", "-N", "-F0", "--dry-run", "-d", pristine.path, "-i", patch])
            #expect(dry.0 == 0, "patch --dry-run \(name): \(dry.1)")
            let reverse = try run("/usr/bin/git", ["-C", dir.path, "apply", "-R", "--check", patch])
            #expect(reverse.0 == 0, "git apply -R --check \(name): \(reverse.1)")
        }
        let golden = Samples.repository + "/Patches/\(sample.name)/chaos"
        if ProcessInfo.processInfo.environment["CHAOS_TEST_RECORD"] == "1" {
            try? FileManager.default.removeItem(atPath: golden)
            for (name, bytes) in produced {
                let url = URL(fileURLWithPath: golden + "/" + name)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url)
            }
            return
        }
        var expected: [String: [UInt8]] = [:]
        let walker = FileManager.default.enumerator(atPath: golden)
        while let relative = walker?.nextObject() as? String {
            guard walker?.fileAttributes?[.type] as? FileAttributeType == .typeRegular else { continue }
            expected[relative] = [UInt8](FileManager.default.contents(atPath: golden + "/" + relative)!)
        }
        #expect(!expected.isEmpty, "no golden files in \(golden); record them with CHAOS_TEST_RECORD=1")
        #expect(Set(produced.keys) == Set(expected.keys))
        for (name, bytes) in expected {
            #expect(
                produced[name] == bytes,
                "\(name) differs from \(golden)/\(name); if the change is intended, re-record with CHAOS_TEST_RECORD=1 and review the diff"
            )
        }
    }
}
