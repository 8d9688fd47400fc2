import Foundation
import Testing

/// The Claude Code skill in `Samples/claude-skill/chaos-test/`: every command its SKILL.md tells
/// the assistant to run is run here, in order, on a copy of the orbital sample, with the real
/// chaos-test binary. Claude Code itself is not on these machines; the commands are the skill.
@Suite(.serialized) struct SkillTests {
    static let skill = repositoryRoot.appendingPathComponent("Samples/claude-skill/chaos-test/SKILL.md")

    /// The commands of the skill's `sh` blocks, one per line, in order.
    static func commands() throws -> [String] {
        let text = try String(contentsOf: skill, encoding: .utf8)
        var commands: [String] = []
        var inBlock = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inBlock = line == "```sh" ? !inBlock : false
                continue
            }
            if inBlock, !line.trimmingCharacters(in: .whitespaces).isEmpty { commands.append(String(line)) }
        }
        return commands
    }

    @Test func theSkillHasFrontMatterAndTheLoop() throws {
        let text = try String(contentsOf: Self.skill, encoding: .utf8)
        #expect(text.hasPrefix("---\nname: chaos-test\ndescription: "))
        let commands = try Self.commands()
        for verb in ["scan", "run", "apply-fix", "compare", "revert-fix"] {
            #expect(commands.contains { $0.hasPrefix("chaos-test \(verb) ") }, "the skill never runs chaos-test \(verb)")
        }
    }

    @Test func everyCommandOfTheSkillWorksOnTheSample() throws {
        let copy = try SampleCopy(sample: "orbital-travel-planner")
        let before = try copy.snapshot()
        // The sample's experiment names its Python as .venv/bin/python: link the sample's venv.
        let venv = repositoryRoot.appendingPathComponent("Samples/orbital-travel-planner/.venv")
        try FileManager.default.createSymbolicLink(at: copy.root.appendingPathComponent(".venv"), withDestinationURL: venv)
        let commands = try Self.commands()
        var script = "export PATH=\"\(repositoryRoot.path)/.build/debug:$PATH\"\nAPP=\"\(copy.root.path)\"\n"
        for (index, command) in commands.enumerated() {
            script += "\(command)\necho \"#skill-status \(index) $?\"\n"
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var statuses: [Int: Int32] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("#skill-status ") {
            let parts = line.split(separator: " ")
            statuses[Int(parts[1])!] = Int32(parts[2])!
        }
        for (index, command) in commands.enumerated() {
            let status = try #require(statuses[index], "`\(command)` did not run")
            // 1 is a finding (an SLO breach, a regression), never a failure of the command.
            #expect(status == 0 || status == 1, "`\(command)` exited \(status)")
            if command.contains("apply-fix") || command.contains("revert-fix") || command.contains(" scan ") {
                #expect(status == 0, "`\(command)` exited \(status)")
            }
        }
        #expect(output.contains("## Fix Proposals"), "the report was not read")
        #expect(output.contains("# chaos-test comparison"), "compare printed nothing")
        // The loop ends with the fix reverted: the app is byte for byte what it was.
        try FileManager.default.removeItem(at: copy.root.appendingPathComponent(".venv"))
        #expect(try copy.snapshot() == before)
        #expect(processes(in: copy.root).isEmpty)
    }
}
