import Artifacts
import Foundation
import Testing

@testable import LoadGen

struct LoadResultsReaderTests {
    func record(_ index: Int, phase: String = "baseline") -> LoadRecord {
        LoadRecord(
            id: "\(phase)-\(index)", phase: phase, endpoint: index % 3 == 0 ? "POST /a/{id}" : "GET /b \"q\"",
            step: index % 2 == 0 ? "flow/step" : nil, scheduledUnixNs: 1_000 + index, sentUnixNs: 2_000 + index,
            latencyUs: (index * 7919) % 100_000, status: index % 5 == 0 ? nil : 200,
            error: index % 5 == 0 ? .reset : nil, bytes: index)
    }

    @Test func recorderOutputStreamsBackRecordForRecord() throws {
        let directory = try temporaryDirectory()
        let recorder = try LoadRecorder(sidecar: directory.appendingPathComponent("r.jsonl"))
        recorder.beginPhase("baseline", startUnixNs: 10)
        // Enough records to cross the sidecar's flush size and the reader's 1 MiB chunks.
        for index in 0..<20_000 { recorder.record(record(index)) }
        recorder.endPhase("baseline", endUnixNs: 20)
        let out = directory.appendingPathComponent("load-results.json")
        let meta = LoadMeta(target: "http://127.0.0.1:1", model: .closed, seed: 1, plan: "p", startUnixNs: 5, partial: false, generatorCpuUs: 9)
        try recorder.finish(meta: meta, to: out)

        let reader = LoadResultsReader(url: out)
        let header = try reader.header()
        #expect(header.meta == meta)
        #expect(header.phases == [LoadPhase(name: "baseline", startUnixNs: 10, endUnixNs: 20)])
        #expect(header.summary["baseline"]?["*"]?.count == 20_000)
        #expect(header.summary["baseline"]?["*"]?.errors == 4_000)
        var index = 0
        try reader.forEachRecord { read in
            #expect(read == record(index))
            index += 1
        }
        #expect(index == 20_000)
        // The streamed file is also plain JSON that any decoder reads.
        let whole = try JSONDecoder().decode(LoadResults.self, from: Data(contentsOf: out))
        #expect(whole.records.count == 20_000)
    }

    @Test func readsAnyJSONLayoutOfTheFile() throws {
        let directory = try temporaryDirectory()
        let results = LoadResults(
            meta: LoadMeta(target: "t", model: .open, seed: 2, plan: "p", startUnixNs: 1, partial: true, generatorCpuUs: 3),
            phases: [LoadPhase(name: "chaos", startUnixNs: 1, endUnixNs: 2, settings: .object(["rate": .double(0.1)]))],
            records: (0..<50).map { record($0, phase: "chaos") }, summary: ["chaos": [:]])
        let pretty = directory.appendingPathComponent("pretty.json")
        try ArtifactJSON.encode(results).write(to: pretty)  // sorted keys: records before schema and summary
        #expect(try LoadResultsReader(url: pretty).readAll() == results)
    }

    @Test func truncatedFileIsAClearError() throws {
        let directory = try temporaryDirectory()
        let file = directory.appendingPathComponent("cut.json")
        try Data("{\"schema\":1,\n\"meta\":{\"target\":\"t\"".utf8).write(to: file)
        let error = #expect(throws: LoadResultsReadError.self) { try LoadResultsReader(url: file).header() }
        #expect(error?.description.contains("cut.json") == true)
        #expect(error?.description.contains("truncated") == true)
    }
}
