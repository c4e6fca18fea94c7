import Foundation
import ProctorCore
import Testing

@testable import ProctorJudge

/// Answer files, judge configs, stored FastChat judgments and agreement, from small fixtures.
@Suite("Judge files")
struct JudgeFileTests {
    static func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-judge-\(UUID())").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, _ path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    static func iftFile(
        _ folder: String, model: String, answers: [String], instructions: [String]? = nil
    ) throws -> String {
        let entries = answers.enumerated().map { index, answer in
            let instruction = instructions?[index] ?? "Task \(index)"
            return
                "{\"index\": \(index), \"instruction\": \"\(instruction)\", \"input\": \"\", \"output\": \"Ref \(index)\", "
                + "\"model_response\": \"\(answer)\", \"score\": null, \"judge_reply\": null}"
        }
        let path = "\(folder)/\(model)-responses.json"
        try write("[\n" + entries.joined(separator: ",\n") + "\n]\n", path)
        return path
    }

    @Test func iftAnnotatedFilesLoadAndMustLineUp() throws {
        let folder = try Self.folder()
        let a = try Self.iftFile(folder, model: "smol", answers: ["x", "y"])
        let b = try Self.iftFile(folder, model: "gemma", answers: ["u", "v"])
        let set = try AnswerFileLoader.load(answerFiles: [a, b])
        #expect(set.models == ["smol", "gemma"] && set.questions.count == 2)
        #expect(set.questions[1].references == ["Ref 1"])
        #expect(set.questions[1].turns[0].contains("### Instruction:\nTask 1"))
        #expect(set.answer(model: "gemma", question: "1") == ["v"])
        let c = try Self.iftFile(folder, model: "other", answers: ["p", "q"], instructions: ["Task 0", "Different"])
        #expect(throws: ProctorError.invalidValue) { try AnswerFileLoader.load(answerFiles: [a, c]) }
        let short = try Self.iftFile(folder, model: "short", answers: ["p"])
        do {
            _ = try AnswerFileLoader.load(answerFiles: [a, short])
            Issue.record("misaligned files loaded")
        } catch let error as ProctorError {
            #expect(error.description.contains("do not line up") && error.description.contains(short))
        }
    }

    @Test func fastChatLayoutLoads() throws {
        let folder = try Self.folder()
        try Self.write(
            """
            {"question_id": 81, "category": "writing", "turns": ["Write.", "Rewrite."]}
            {"question_id": 111, "category": "math", "turns": ["Add.", "Subtract."]}
            """, "\(folder)/question.jsonl")
        try Self.write(
            "{\"question_id\": 111, \"model_id\": \"gpt-4\", \"choices\": [{\"index\": 0, \"turns\": [\"2\", \"0\"]}]}\n",
            "\(folder)/ref.jsonl")
        for model in ["m1", "m2"] {
            try Self.write(
                """
                {"question_id": 81, "answer_id": "a", "model_id": "\(model)", "choices": [{"index": 0, "turns": ["w \(model)", "r \(model)"]}]}
                {"question_id": 111, "answer_id": "b", "model_id": "\(model)", "choices": [{"index": 0, "turns": ["1", "2"]}]}
                """, "\(folder)/\(model).jsonl")
        }
        let set = try AnswerFileLoader.load(
            answerFiles: ["\(folder)/m1.jsonl", "\(folder)/m2.jsonl"], questionsFile: "\(folder)/question.jsonl",
            referencesFile: "\(folder)/ref.jsonl")
        #expect(set.models == ["m1", "m2"])
        #expect(set.questions.map(\.references) == [nil, ["2", "0"]])
        #expect(set.answer(model: "m2", question: "81") == ["w m2", "r m2"])
        #expect(throws: ProctorError.invalidArgument) { try AnswerFileLoader.load(answerFiles: ["\(folder)/m1.jsonl"]) }
    }

    @Test func configFromYAMLAndBadConfigs() throws {
        let folder = try Self.folder()
        try Self.write(
            """
            model: local:smollm2-135m-instruct
            mode: rubric
            temperature: 0.5
            seed: 7
            prices: {input: 0.15, output: 0.6}
            rubric:
              - {name: accuracy, description: right, min: 1, max: 5, weight: 2}
              - {name: style, description: clear}
            """, "\(folder)/judge.yaml")
        let config = try JudgeConfig.load(path: "\(folder)/judge.yaml")
        #expect(config.mode == .rubric && config.rubric.count == 2 && config.rubric[1].weight == 1)
        #expect(config.settings(repeatIndex: 2).seed == 9 && config.prices.output == 0.6)
        try Self.write("{\"mode\": \"rubric\", \"rubric\": [{\"name\": \"a\", \"weight\": 0}]}", "\(folder)/zero.json")
        do {
            _ = try JudgeConfig.load(path: "\(folder)/zero.json")
            Issue.record("zero weights accepted")
        } catch let error as ProctorError {
            #expect(error.description.contains("positive") && error.description.contains("zero.json"))
        }
        try Self.write("mode: sideways\n", "\(folder)/mode.yaml")
        #expect(throws: ProctorError.invalidValue) { try JudgeConfig.load(path: "\(folder)/mode.yaml") }
    }

    @Test func fastChatPairJudgmentsAreReparsed() throws {
        let folder = try Self.folder()
        let lines = [
            ("Assistant A wins. [[A]]", "The second is better [[B]]", "model_1", "model_1"),  // consistent
            ("[[A]]", "[[A]]", "model_1", "model_2"),  // inconsistent (position bias)
            ("[[C]]", "[[C]]", "tie", "tie"),  // consistent tie
            ("[[B]]", "$ERROR$", "model_2", "error"),  // one order unparsed: inconsistent
            ("$ERROR$", "$ERROR$", "error", "error"),  // neither: unjudged
        ]
        let text = lines.enumerated().map { index, line in
            "{\"question_id\": \(index), \"model_1\": \"p\", \"model_2\": \"q\", \"g1_winner\": \"\(line.2)\", "
                + "\"g2_winner\": \"\(line.3)\", \"g1_judgment\": \"\(line.0)\", \"g2_judgment\": \"\(line.1)\", \"turn\": 1}"
        }.joined(separator: "\n")
        try Self.write(text, "\(folder)/pair.jsonl")
        let reparsed = try FastChatJudgments.reparsePairs(path: "\(folder)/pair.jsonl")
        #expect(reparsed.allSatisfy { $0.matchesRecorded })
        let bias = PairwiseAnalysis.positionBias(reparsed.map(\.record))
        #expect(bias.consistent == 2 && bias.inconsistent == 2 && bias.unjudged == 1)
        let rates = PairwiseAnalysis.winRates(reparsed.map(\.record), models: ["p", "q"])
        // p: win, tie, tie, tie over 4 judged pairs.
        #expect(rates.first { $0.model == "p" }?.winRate == 2.5 / 4)
    }

    @Test func agreementBetweenTwoScoreArrays() throws {
        let folder = try Self.folder()
        try Self.write("[0, 50, 100, 80, 20, 90]", "\(folder)/a.json")
        try Self.write("[10, 60, 95, 85, 20]", "\(folder)/b.json")
        let report = try AgreementReport.compare(
            try RaterLabels.load(path: "\(folder)/a.json"), try RaterLabels.load(path: "\(folder)/b.json"))
        #expect(report.n == 5 && report.kind == "scores")
        #expect(abs((report.spearman?.coefficient ?? 0) - 1) < 1e-12)
        #expect(report.percentAgreement == 0.2)
        try Self.write(
            "{\"question_id\": 1, \"model_a\": \"x\", \"model_b\": \"y\", \"winner\": \"model_a\"}\n"
                + "{\"question_id\": 2, \"model_a\": \"y\", \"model_b\": \"x\", \"winner\": \"tie\"}\n",
            "\(folder)/h1.jsonl")
        try Self.write(
            "{\"question_id\": 1, \"model_a\": \"y\", \"model_b\": \"x\", \"winner\": \"model_b\"}\n"
                + "{\"question_id\": 2, \"model_a\": \"x\", \"model_b\": \"y\", \"winner\": \"model_a\"}\n",
            "\(folder)/h2.jsonl")
        let votes = try AgreementReport.compare(
            try RaterLabels.load(path: "\(folder)/h1.jsonl"), try RaterLabels.load(path: "\(folder)/h2.jsonl"))
        #expect(votes.kind == "votes" && votes.n == 2 && votes.percentAgreement == 0.5)
    }

    @Test func logisticFitReadsTheWinRateAtEqualLength() throws {
        // Longer answers win more; at equal length the rate is one half.
        var x: [Double] = []
        var y: [Double] = []
        for diff in stride(from: -500.0, through: 500.0, by: 50) {
            let p = LogisticFit.sigmoid(diff / 200)
            x += [diff, diff]
            y += [p, p]
        }
        let fit = try #require(LogisticFit.fit(x: x, y: y))
        #expect(abs(LogisticFit.sigmoid(fit.intercept) - 0.5) < 1e-6)
        #expect(fit.slope > 0)
        #expect(LogisticFit.fit(x: [1, 1, 1], y: [1, 0, 1]) == nil)
    }
}
