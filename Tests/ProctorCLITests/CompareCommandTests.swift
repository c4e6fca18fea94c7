import Foundation
import ProctorCore
import ProctorSQLite
import Testing

/// `proctor compare`, `correlate` and `show --worst` on stores written here with the real SQLite
/// store: benchmark-style runs (one model, per-sample records) and IFT runs (annotated entries).
@Suite("compare and correlate through the CLI")
struct CompareCommandTests {
    /// A benchmark run: `outcomes[i]` is item i's acc (0/1) on `task`.
    static func benchRun(
        _ store: SQLiteStore, id: String, model: String, task: String = "arc_easy", outcomes: [Int],
        startIndex: Int = 0
    ) async throws {
        _ = try await store.beginRun(
            RunRecord(id: id, kind: "bench", arguments: ["bench"], config: "{}", models: [model], tasks: [task]))
        let records = outcomes.enumerated().map { offset, outcome in
            let doc = startIndex + offset
            let json = """
                {"doc_id": \(doc), "task": "\(task)", "metrics": {"acc": \(outcome), "acc_norm": \(outcome)}, \
                "prompt": "Question \(doc)?", "target": "A\(doc)", "prediction": "\(outcome == 1 ? "A" : "B")\(doc)"}
                """
            return (index: doc, json: json)
        }
        try await store.saveRecords(runID: id, group: task, records: records)
        try await store.finishRun(id: id, status: .finished, summary: nil)
    }

    /// An IFT run with one group (model) per entry of `scores`.
    static func iftRun(_ store: SQLiteStore, id: String, scores: [String: [Int?]]) async throws {
        _ = try await store.beginRun(
            RunRecord(
                id: id, kind: "ift", arguments: ["ift"], config: "{}", models: scores.keys.sorted(),
                tasks: ["data.json"]))
        for (model, values) in scores {
            let records = try values.enumerated().map { index, score in
                var entry = AnnotatedEntry(
                    item: InstructionItem(instruction: "Do \(index)", output: "Ref \(index)", sourceIndex: index))
                entry.modelResponse = "Answer \(index) by \(model)"
                entry.score = score
                return (index: index, json: String(decoding: try JSONEncoder().encode(entry), as: UTF8.self))
            }
            try await store.saveRecords(runID: id, group: model, records: records)
        }
        try await store.finishRun(id: id, status: .finished, summary: nil)
    }

    /// 200 items with a deterministic 65% accuracy pattern.
    static let baseline = (0..<200).map { ($0 * 7) % 20 < 13 ? 1 : 0 }

    func makeStore() throws -> (SQLiteStore, String) {
        let path = try CLIRunner.temporaryFolder() + "/results.sqlite"
        return (try SQLiteStore(path: path), path)
    }

    @Test func degradedRunFailsTheGate() async throws {
        let (store, path) = try makeStore()
        try await Self.benchRun(store, id: "bench-base", model: "m", outcomes: Self.baseline)
        // 30 of the 130 correct items turned wrong: 15 points worse, p far below 0.05.
        var degraded = Self.baseline
        var flipped = 0
        for index in degraded.indices where degraded[index] == 1 && flipped < 30 {
            degraded[index] = 0
            flipped += 1
        }
        try await Self.benchRun(store, id: "bench-worse", model: "m", outcomes: degraded)
        let gate = try await CLIRunner.run([
            "compare", "bench-base", "bench-worse", "--fail-if-worse", "2pt", "--store", path,
        ])
        #expect(gate.status == 1, "\(gate.stdout)\n\(gate.stderr)")
        #expect(gate.stderr.contains("bench-worse is worse than bench-base on acc"), "\(gate.stderr)")
        #expect(gate.stdout.contains("worse"))
        #expect(gate.stdout.contains("-15.0"))
        // A looser gate passes: the drop is 15 points, under 20.
        let loose = try await CLIRunner.run(
            ["compare", "bench-base", "bench-worse", "--fail-if-worse", "20pt", "--store", path])
        #expect(loose.status == 0, "\(loose.stderr)")
        // Relative: 15 points of 65 is 23%.
        let relative = try await CLIRunner.run(
            ["compare", "bench-base", "bench-worse", "--fail-if-worse", "10%", "--store", path])
        #expect(relative.status == 1)
        // Reversed, the second run is better and nothing fails.
        let reversed = try await CLIRunner.run(
            ["compare", "bench-worse", "bench-base", "--fail-if-worse", "2pt", "--store", path])
        #expect(reversed.status == 0)
        #expect(reversed.stdout.contains("better"))
    }

    @Test func identicalRunsShowNoDetectableDifference() async throws {
        let (store, path) = try makeStore()
        try await Self.benchRun(store, id: "bench-one", model: "m", outcomes: Self.baseline)
        try await Self.benchRun(store, id: "bench-two", model: "m", outcomes: Self.baseline)
        let output = try await CLIRunner.run(
            ["compare", "bench-one", "bench-two", "--fail-if-worse", "0pt", "--store", path])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("no detectable difference"))
        #expect(!output.stdout.contains(" worse"))
        #expect(output.stdout.contains("Comparing on 200 shared items (arc_easy)"))
        let json = try await CLIRunner.run(["compare", "bench-one", "bench-two", "--format", "json", "--store", path])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let comparison = object?["comparison"] as? [String: Any]
        #expect(comparison?["items"] as? Int == 200)
        let metrics = comparison?["metrics"] as? [[String: Any]]
        #expect(metrics?.first?["metric"] as? String == "acc")
        let delta = (metrics?.first?["deltas"] as? [[String: Any]])?.first
        #expect(delta?["delta"] as? Double == 0)
        #expect(delta?["pValue"] as? Double == 1)
    }

    @Test func differentItemsAreRefusedUnlessIntersect() async throws {
        let (store, path) = try makeStore()
        try await Self.benchRun(store, id: "bench-full", model: "m", outcomes: Self.baseline)
        try await Self.benchRun(store, id: "bench-part", model: "m", outcomes: Array(Self.baseline.prefix(190)))
        let refused = try await CLIRunner.run(["compare", "bench-full", "bench-part", "--store", path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("10 of 200 items are not in every run"), "\(refused.stderr)")
        #expect(refused.stderr.contains("--intersect"))
        let intersected = try await CLIRunner.run([
            "compare", "bench-full", "bench-part", "--intersect", "--store", path,
        ])
        #expect(intersected.status == 0, "\(intersected.stderr)")
        #expect(intersected.stderr.contains("--intersect dropped 10 items"), "\(intersected.stderr)")
        #expect(intersected.stdout.contains("190 shared items"))
    }

    @Test func differentTasksAreRefused() async throws {
        let (store, path) = try makeStore()
        try await Self.benchRun(store, id: "bench-arc", model: "m", outcomes: Self.baseline)
        try await Self.benchRun(store, id: "bench-gsm", model: "m", task: "gsm8k", outcomes: Self.baseline)
        let output = try await CLIRunner.run(["compare", "bench-arc", "bench-gsm", "--intersect", "--store", path])
        #expect(output.status == 2)
        #expect(output.stderr.contains("different tasks"), "\(output.stderr)")
        #expect(output.stderr.contains("gsm8k"))
    }

    @Test func iftModelsAreColumnsAndScoresUseWilcoxon() async throws {
        let (store, path) = try makeStore()
        // Item 3 went unscored for both models (the judge's reply did not parse).
        let strong = (0..<60).map { $0 == 3 ? nil : Optional(60 + ($0 * 13) % 40) }
        let weak = strong.map { score in score.map { max(0, $0 - 15) } }
        try await Self.iftRun(store, id: "ift-pair", scores: ["local:strong": strong, "local:weak": weak])
        let output = try await CLIRunner.run(
            ["compare", "ift-pair:strong", "ift-pair:weak", "--worst", "2", "--store", path])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Wilcoxon"))
        #expect(output.stdout.contains("ift-pair:local:weak"))
        #expect(output.stdout.contains("worse"))
        // The unscored item counts as missing (59 pairs) and leads the worst list.
        #expect(output.stdout.contains("Lowest-scoring items by score:"))
        #expect(output.stdout.contains("- ift:3"))
        #expect(output.stdout.contains("unscored"))
        #expect(output.stdout.contains("Items whose score changed"))
        // RUN alone compares its models.
        let whole = try await CLIRunner.run(["compare", "ift-pair", "--store", path])
        #expect(whole.status == 0, "\(whole.stderr)")
        #expect(whole.stdout.contains("local:strong") && whole.stdout.contains("local:weak"))
    }

    @Test func badThresholdAndUnknownModelAreClearErrors() async throws {
        let (store, path) = try makeStore()
        try await Self.benchRun(store, id: "bench-x", model: "m", outcomes: Self.baseline)
        let threshold = try await CLIRunner.run(
            ["compare", "bench-x", "bench-x", "--fail-if-worse", "two", "--store", path])
        #expect(threshold.status == 2)
        #expect(threshold.stderr.contains("--fail-if-worse"))
        let model = try await CLIRunner.run(["compare", "bench-x:nope", "bench-x", "--store", path])
        #expect(model.status == 2)
        #expect(model.stderr.contains("no model \"nope\""), "\(model.stderr)")
    }

    @Test func correlateAcrossRunsMatchedByModel() async throws {
        let (store, path) = try makeStore()
        var runs: [String] = []
        for (rank, model) in ["a", "b", "c", "d", "e"].enumerated() {
            // Accuracy and judge score rise together.
            let outcomes = (0..<50).map { ($0 * 3) % 10 < 3 + rank ? 1 : 0 }
            try await Self.benchRun(store, id: "bench-\(model)", model: model, outcomes: outcomes)
            try await Self.iftRun(store, id: "ift-\(model)", scores: [model: (0..<10).map { _ in 40 + 10 * rank }])
            runs += ["bench-\(model)", "ift-\(model)"]
        }
        let output = try await CLIRunner.run(["correlate"] + runs + ["--x", "acc", "--y", "score", "--store", path])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Pearson r"))
        let json = try await CLIRunner.run(
            ["correlate"] + runs + ["--x", "acc", "--y", "score", "--format", "json", "--store", path])
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((object?["points"] as? [Any])?.count == 5)
        for name in ["pearson", "spearman", "kendall"] {
            let coefficient = (object?[name] as? [String: Any])?["coefficient"] as? Double
            #expect(abs((coefficient ?? 0) - 1) < 1e-12, "\(name)")
        }
        let missing = try await CLIRunner.run(["correlate", "bench-a", "--x", "loss", "--y", "score", "--store", path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("has neither loss nor score"), "\(missing.stderr)")
        #expect(missing.stderr.contains("acc"))
    }

    @Test func showWorstListsBenchItems() async throws {
        let (store, path) = try makeStore()
        try await Self.benchRun(store, id: "bench-show", model: "m", outcomes: Self.baseline)
        let output = try await CLIRunner.run(["show", "bench-show", "--worst", "3", "--store", path])
        #expect(output.status == 0, "\(output.stderr)")
        #expect(output.stdout.contains("Lowest-scoring items by acc:"))
        #expect(output.stdout.contains("reference:  A"))
        #expect(output.stdout.contains("prediction") == false)
    }
}
