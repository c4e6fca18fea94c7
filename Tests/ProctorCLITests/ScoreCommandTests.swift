import Foundation
import Testing

/// `proctor score` end to end: output formats and every bad input (one line on stderr, exit 2).
@Suite("proctor score", .serialized)
struct ScoreCommandTests {
    func write(_ text: String, _ name: String, in folder: String) throws -> String {
        let path = "\(folder)/\(name)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func expectBadInput(_ arguments: [String], contains needles: [String]) async throws {
        let output = try await CLIRunner.run(["score"] + arguments)
        #expect(output.status == 2, "exit status for \(arguments): \(output.stderr)")
        #expect(output.stderrLines.count == 1, "stderr was: \(output.stderr)")
        for needle in needles {
            #expect(output.stderr.contains(needle), "stderr lacks '\(needle)': \(output.stderr)")
        }
    }

    @Test func tableFromLineFiles() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let predictions = try write("The cat sat on the mat.\nHello, world\n", "p.txt", in: folder)
        let references = try write("A cat was sitting on the mat!\nhello world\n", "r.txt", in: folder)
        let output = try await CLIRunner.run([
            "score", "--metric", "rougeL,bleu", "--metric", "exact_match", "--predictions", predictions,
            "--references", references,
        ])
        #expect(output.status == 0, "\(output.stderr)")
        var rows: [String: String] = [:]
        for line in output.stdout.split(separator: "\n") {
            let fields = line.split(separator: " ")
            if fields.count == 2 { rows[String(fields[0])] = String(fields[1]) }
        }
        #expect(rows["items"] == "2")
        #expect(rows["rougeL.fmeasure"] == "0.807692")
        #expect(rows["bleu"] == "22.590050")
        #expect(rows["exact_match"] == "0.500000")
    }

    @Test func jsonWithPerItemValuesFromJSONL() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let data = try write(
            """
            {"out": "The cat sat on the mat.", "gold": {"text": "A cat was sitting on the mat!"}}

            {"out": "Hello, world", "gold": {"text": "hello world"}}
            """, "d.jsonl", in: folder)
        let output = try await CLIRunner.run([
            "score", "--metric", "chrf,f1", "--data", data, "--prediction-field", "out", "--reference-field",
            "gold.text", "--per-item", "--format", "json",
        ])
        #expect(output.status == 0, "\(output.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(output.stdout.utf8)) as? [String: Any])
        #expect(json["items"] as? Int == 2)
        let metrics = try #require(json["metrics"] as? [String: Any])
        let chrf = try #require(metrics["chrf"] as? [String: Any])
        let perItem = try #require(chrf["per_item"] as? [[Double]])
        #expect(abs(perItem[0][0] - 34.61614341910809) < 1e-9)
        #expect(abs(perItem[1][0] - 47.18447798311147) < 1e-9)
        let f1 = try #require((metrics["f1"] as? [String: Any])?["summary"] as? [String: Double])
        #expect(abs(f1["f1"]! - (0.6666666666666665 + 1) / 2) < 1e-12)
    }

    @Test func classificationPrintsTheConfusionMatrix() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let predictions = try write("cat\ncat\ndog\n", "p.txt", in: folder)
        let references = try write("cat\ndog\ndog\n", "r.txt", in: folder)
        let output = try await CLIRunner.run([
            "score", "--metric", "classification", "--predictions", predictions, "--references", references,
        ])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("classification.accuracy"))
        #expect(output.stdout.contains("confusion_matrix"))
    }

    @Test func jsonComplianceNeedsNoReferences() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let predictions = try write("{\"a\": 1}\nnot json\n{\"b\": 2}\n", "p.txt", in: folder)
        let schema = try write(#"{"type": "object", "required": ["a"]}"#, "s.json", in: folder)
        let output = try await CLIRunner.run([
            "score", "--metric", "json_valid,json_schema", "--schema", schema, "--predictions", predictions,
            "--format", "json",
        ])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("\"schema_valid\":0.3333333333333333"))
        #expect(output.stdout.contains("\"json_valid\":0.6666666666666666"))
    }

    @Test func helpTeachesWithExamples() async throws {
        let output = try await CLIRunner.run(["score", "--help"])
        #expect(output.status == 0)
        #expect(output.stdout.contains("Examples:"))
        #expect(output.stdout.contains("rougeL"))
        #expect(output.stdout.contains("--prediction-field"))
    }

    @Test func differentLineCountsSayBothCounts() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let predictions = try write("a\nb\nc\n", "p.txt", in: folder)
        let references = try write("a\nb\n", "r.txt", in: folder)
        try await expectBadInput(
            ["--metric", "bleu", "--predictions", predictions, "--references", references],
            contains: [predictions, "3 lines", references, "has 2"])
    }

    @Test func jsonlLineWithoutTheFieldNamesFileLineAndField() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let data = try write("{\"p\": \"a\", \"r\": \"b\"}\n{\"p\": \"a\"}\n", "d.jsonl", in: folder)
        try await expectBadInput(
            ["--metric", "f1", "--data", data, "--prediction-field", "p", "--reference-field", "r"],
            contains: ["\(data):2:", "'r'"])
    }

    @Test func invalidJSONLLineNamesTheLine() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let data = try write("{\"p\": \"a\"}\n{\"p\": \n", "d.jsonl", in: folder)
        try await expectBadInput(
            ["--metric", "json_valid", "--data", data, "--prediction-field", "p"],
            contains: ["\(data):2:", "invalid JSON"])
    }

    @Test func unknownMetricListsTheKnownOnes() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let predictions = try write("a\n", "p.txt", in: folder)
        try await expectBadInput(
            ["--metric", "rougeX", "--predictions", predictions, "--references", predictions],
            contains: ["unknown metric 'rougeX'", "rougeL", "chrf", "classification", "json_schema"])
    }

    @Test func referenceMetricWithoutReferences() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let predictions = try write("a\n", "p.txt", in: folder)
        try await expectBadInput(
            ["--metric", "rougeL", "--predictions", predictions], contains: ["'rougeL'", "--references"])
        let data = try write("{\"p\": \"a\"}\n", "d.jsonl", in: folder)
        try await expectBadInput(
            ["--metric", "chrf", "--data", data, "--prediction-field", "p"], contains: ["'chrf'", "--reference-field"])
    }

    @Test func missingFile() async throws {
        try await expectBadInput(
            ["--metric", "json_valid", "--predictions", "/nonexistent/p.txt"],
            contains: ["/nonexistent/p.txt", "not found"])
    }

    @Test func malformedSchemaNamesFileAndKeyword() async throws {
        let folder = try CLIRunner.temporaryFolder()
        let predictions = try write("{}\n", "p.txt", in: folder)
        let schema = try write(#"{"type": "object", "properties": {"a": {"type": "integr"}}}"#, "s.json", in: folder)
        try await expectBadInput(
            ["--metric", "json_schema", "--schema", schema, "--predictions", predictions],
            contains: [schema, "/properties/a/type", "invalid JSON Schema", "'integr'"])
        let notJSON = try write("{\"type\": \n", "n.json", in: folder)
        try await expectBadInput(
            ["--metric", "json_schema", "--schema", notJSON, "--predictions", predictions],
            contains: [notJSON, "invalid JSON"])
        try await expectBadInput(
            ["--metric", "json_schema", "--predictions", predictions], contains: ["--schema"])
    }
}
