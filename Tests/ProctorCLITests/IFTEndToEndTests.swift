import Foundation
import Testing

/// The IFT flow through the real binary and the real engine on SmolLM2.
@Suite("IFT end to end on SmolLM2")
struct IFTEndToEndTests {
    @Test func tenItemsWriteAnnotatedJSONAlignedWithItems() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let output = try await CLIRunner.run([
            "ift", "--data", "Examples/demo/ift-demo.json", "--split", "all", "--limit", "10", "--max-tokens", "48",
            "--model", "local:smollm2-135m-instruct", "--judge", "local:smollm2-135m-instruct", "--out", folder,
            "--quiet",
        ])
        #expect(output.status == 0, "stderr: \(output.stderr)")
        #expect(output.stdout.contains("smollm2-135m-instruct"))
        #expect(output.stdout.contains(" of 10"))

        let data = try Data(contentsOf: URL(fileURLWithPath: "\(CLIRunner.checkout)/Examples/demo/ift-demo.json"))
        let items = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
        let written = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/smollm2-135m-instruct-responses.json"))
        let entries = try #require(try JSONSerialization.jsonObject(with: written) as? [[String: Any]])
        #expect(entries.count == 10)
        var scored = 0
        for (index, entry) in entries.enumerated() {
            #expect(entry["index"] as? Int == index)
            #expect(entry["instruction"] as? String == items[index]["instruction"] as? String)
            #expect(entry["output"] as? String == items[index]["output"] as? String)
            #expect(entry.keys.contains("score"))
            #expect(entry.keys.contains("judge_reply"))
            #expect(!((entry["model_response"] as? String) ?? "").isEmpty)
            if let score = entry["score"] as? Int {
                #expect((0...100).contains(score))
                scored += 1
            } else {
                #expect(entry["parse_status"] as? String == "unparsed")
            }
        }
        #expect(output.stdout.contains("\(scored) of 10"))

        let summaryData = try Data(contentsOf: URL(fileURLWithPath: "\(folder)/summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: summaryData) as? [String: Any])
        let rows = try #require(summary["rows"] as? [[String: Any]])
        #expect(rows.first?["scored"] as? Int == scored)
        #expect(rows.first?["total"] as? Int == 10)
    }
}
