import Foundation
import ProctorCore
import Testing

@testable import ProctorBench

/// Aggregation, the lm-eval results layout, per-sample records and the table.
@Suite struct ReportTests {
    static let groupFile = """
        group: quiz
        subgroup: quiz_${kind}
        subgroup_alias: "${kind}"
        task: quiz_${name}
        task_alias: "${name | words}"
        dataset: {path: "quiz/${name}.jsonl"}
        doc_to_text: "{{q}}"
        doc_to_choice: ["A", "B"]
        doc_to_target: "{{a}}"
        subtasks:
          - {name: first_part, kind: easy}
          - {name: second, kind: easy}
          - {name: third, kind: hard}
        """

    /// Scores `answers` (true = right) for each task and returns the samples by task.
    static func run(_ tasks: [BenchTask], answers: [String: [Bool]]) throws -> [String: [SampleResult]] {
        var samples: [String: [SampleResult]] = [:]
        for task in tasks {
            samples[task.name] = try task.instances.enumerated().map { index, instance in
                let right = answers[task.name]![index]
                let gold = task.documents[index].goldIndices[0]
                let lls = [0, 1].map { choice in (choice == gold) == right ? -1.0 : -2.0 }
                return try task.score(instance, response: results(lls))
            }
        }
        return samples
    }

    static func quizTasks(_ counts: [String: Int]) throws -> ([BenchTask], TaskSelection) {
        let catalog = TaskCatalog(files: [try Fixture.taskFile(groupFile, path: "quiz.yaml")])
        let selection = try catalog.resolve(["quiz"])
        let tasks = try selection.tasks.map { definition in
            let rows = (0..<counts[definition.name]!).map { "{\"q\": \"Q\($0)\", \"a\": \"A\"}" }.joined(
                separator: "\n")
            return try BenchTask(definition: definition, rows: try Fixture.rows(rows))
        }
        return (tasks, selection)
    }

    @Test func meanAndStderrAsLMEval() throws {
        let (tasks, selection) = try Self.quizTasks(["quiz_first_part": 4, "quiz_second": 2, "quiz_third": 1])
        let samples = try Self.run(
            tasks,
            answers: [
                "quiz_first_part": [true, false, true, true], "quiz_second": [false, false], "quiz_third": [true],
            ])
        let report = BenchReport(tasks: tasks, groups: selection.groups, samples: samples)
        #expect(
            report.results.map(\.name) == [
                "quiz", "quiz_easy", "quiz_first_part", "quiz_second", "quiz_hard", "quiz_third",
            ])
        #expect(
            report.results.map(\.alias) == ["quiz", " - easy", "  - first part", "  - second", " - hard", "  - third"])
        let first = try #require(report.results.first { $0.name == "quiz_first_part" }?.metrics.first)
        #expect(first.value == 0.75)
        #expect(abs(first.stderr! - 0.25) < 1e-12)  // sample sd 0.5 / √4
        let third = try #require(report.results.first { $0.name == "quiz_third" }?.metrics.first)
        #expect(third.stderr == nil)  // one sample: lm-eval writes N/A
        // Easy: (0.75·4 + 0·2) / 6 = 0.5; pooled stderr √(((3·0.0625·4) + (1·0·2)) / (6 − 2) / 6).
        let easy = try #require(report.results.first { $0.name == "quiz_easy" })
        #expect(easy.sampleCount == 6)
        #expect(abs(easy.metrics[0].value - 0.5) < 1e-12)
        #expect(abs(easy.metrics[0].stderr! - (0.75 / 4 / 6).squareRoot()) < 1e-12)
        // The hard group has no stderr (one sample), so neither has the top group.
        let quiz = try #require(report.results.first)
        #expect(abs(quiz.metrics[0].value - 4.0 / 7) < 1e-12)
        #expect(quiz.metrics[0].stderr == nil)
    }

    @Test func resultsFileHasLMEvalsLayout() async throws {
        let task = try await Fixture.builtIn("arc_easy")
        let scored = try task.instances.map {
            try task.score($0, response: results(Array(repeating: -1.0, count: task.documents[$0.docID].choices.count)))
        }
        let report = BenchReport(tasks: [task], groups: [], samples: ["arc_easy": scored])
        let json = report.lmEvalJSON(config: .object([("model", "tiny.gguf")]), date: Date(timeIntervalSince1970: 0))
        let entry = try #require(json["results"]?["arc_easy"])
        #expect(entry.keys == ["alias", "acc,none", "acc_stderr,none", "acc_norm,none", "acc_norm_stderr,none"])
        #expect(entry["alias"] == "arc_easy")
        // Ties go to the first choice (NumPy's argmax): right only for doc 1 (gold 0).
        #expect(entry["acc,none"]?.doubleValue.map { abs($0 - 1.0 / 3) < 1e-12 } == true)
        #expect(json["versions"]?["arc_easy"] == 1.0)
        #expect(json["n-shot"]?["arc_easy"] == 0)
        #expect(json["higher_is_better"]?["arc_easy"]?["acc_norm"] == true)
        #expect(json["n-samples"]?["arc_easy"]?["original"] == 3)
        #expect(json["n-samples"]?["arc_easy"]?["effective"] == 3)
        #expect(json["configs"]?["arc_easy"]?["doc_to_text"] == "Question: {{question.stem}}\nAnswer:")
        #expect(json["group_subtasks"]?["arc_easy"] == [])
        #expect(json["config"]?["model"] == "tiny.gguf")
        #expect(
            json.keys == [
                "results", "groups", "group_subtasks", "configs", "versions", "n-shot", "higher_is_better", "n-samples",
                "config", "date",
            ])
        // The file is valid JSON.
        #expect(try JSONValue.parse(json.prettyText(), file: "results.json") == json)
    }

    @Test func groupResultsAndSubtasksInTheFile() throws {
        let (tasks, selection) = try Self.quizTasks(["quiz_first_part": 2, "quiz_second": 2, "quiz_third": 2])
        let samples = try Self.run(
            tasks,
            answers: ["quiz_first_part": [true, false], "quiz_second": [true, true], "quiz_third": [false, false]])
        let json = BenchReport(tasks: tasks, groups: selection.groups, samples: samples).lmEvalJSON()
        #expect(json["groups"]?.keys == ["quiz", "quiz_easy", "quiz_hard"])
        #expect(json["group_subtasks"]?["quiz"] == ["quiz_easy", "quiz_hard"])
        #expect(json["group_subtasks"]?["quiz_easy"] == ["quiz_first_part", "quiz_second"])
        #expect(json["results"]?["quiz"]?["acc,none"] == .double(0.5))
    }

    @Test func sampleRecordHasTheKeysCompareReads() async throws {
        let task = try await Fixture.builtIn("piqa")
        let sample = try task.score(task.instances[1], response: results([-5, -1], greedy: [1]))
        let record = BenchReport.sampleRecord(sample)
        #expect(record["doc_id"] == 1)
        #expect(record["task"] == "piqa")
        #expect(record["prompt"] == "Question: keep bread fresh\nAnswer:")
        #expect(record["target"] == "store it in a sealed bag")
        #expect(record["prediction"] == "store it in a sealed bag")
        #expect(record["metrics"] == .object([("acc", 1.0), ("acc_norm", 1.0)]))
        #expect(record["loglikelihoods"] == [-5.0, -1.0])
        #expect(
            record["arguments"] == [
                ["Question: keep bread fresh\nAnswer:", " leave it in the sun"],
                ["Question: keep bread fresh\nAnswer:", " store it in a sealed bag"],
            ])
        #expect(record["filtered_resps"]?["none"] == "store it in a sealed bag")
        // One line of JSONL.
        #expect(!record.compactText().contains("\n"))
    }

    @Test func tableListsTaskMetricValueStderrAndN() throws {
        let (tasks, selection) = try Self.quizTasks(["quiz_first_part": 4, "quiz_second": 2, "quiz_third": 1])
        let samples = try Self.run(
            tasks,
            answers: [
                "quiz_first_part": [true, false, true, true], "quiz_second": [false, false], "quiz_third": [true],
            ])
        let table = BenchReport(tasks: tasks, groups: selection.groups, samples: samples).table()
        let lines = table.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("Task"))
        #expect(
            lines[0].contains("Metric") && lines[0].contains("Value") && lines[0].contains("Stderr")
                && lines[0].hasSuffix("N"))
        #expect(
            lines.contains {
                $0.hasPrefix("  - first part") && $0.contains("acc ↑") && $0.contains("0.7500")
                    && $0.contains("± 0.2500") && $0.hasSuffix("4")
            })
        #expect(lines.contains { $0.hasPrefix("  - third") && $0.contains("N/A") })
        #expect(lines.count == 2 + 6)
    }

    @Test func orderingKeepsSharedPrefixesTogether() async throws {
        let mmlu = try await Fixture.builtIn("mmlu_anatomy")
        let gsm = try await Fixture.builtIn("gsm8k")
        let mixed = [gsm.instances[0], mmlu.instances[0], gsm.instances[1], mmlu.instances[1], mmlu.instances[2]]
        let ordered = BenchInstance.groupedByPrefix(mixed)
        #expect(ordered.map(\.docID) == [0, 0, 1, 2, 1])
        #expect(ordered.map(\.task) == ["gsm8k", "mmlu_anatomy", "mmlu_anatomy", "mmlu_anatomy", "gsm8k"])
    }
}
