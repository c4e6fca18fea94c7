import Foundation
import Logging
import ProctorCore
import ProctorTesting
import Testing

@testable import ProctorJudge

/// The modes against scripted judges whose behaviour is known exactly.
@Suite("Judge modes")
struct JudgeModeTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Answers that carry their own "true" quality, "quality=N", which the scripted judges read.
    static func answerSet(questions: Int, models: [String], twoTurns: Bool = false) -> AnswerSet {
        var answers: [String: [String: [String]]] = [:]
        let list = (0..<questions).map { index in
            JudgeQuestion(
                id: "q\(index)", category: "writing",
                turns: twoTurns ? ["Question \(index)?", "Follow-up \(index)?"] : ["Question \(index)?"],
                references: index % 2 == 0 ? ["Reference \(index)"] + (twoTurns ? ["Reference 2 \(index)"] : []) : nil)
        }
        for (modelIndex, model) in models.enumerated() {
            for index in 0..<questions {
                let quality = 2 + (modelIndex * 3 + index) % 8
                answers[model, default: [:]]["q\(index)"] =
                    ["\(model) answer quality=\(quality)" + String(repeating: ".", count: modelIndex * 10)]
                    + (twoTurns ? ["\(model) second quality=\(quality)"] : [])
            }
        }
        return AnswerSet(questions: list, models: models, answers: answers)
    }

    static func allText(_ request: GenerationRequest) -> String {
        switch request.prompt {
        case .text(let text): return text
        case .chat(let messages): return messages.map(\.content).joined(separator: "\n")
        }
    }

    /// The "quality=N" values in text, in order.
    static func qualities(_ text: String) -> [Int] {
        text.components(separatedBy: "quality=").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }
    }

    static func runner(_ backend: any ModelBackend, _ config: JudgeConfig) throws -> JudgeRunner {
        JudgeRunner(backend: backend, config: config, prompts: try config.promptSet(), logger: logger)
    }

    @Test func batchMakesOneCallPerQuestionAndMapsScoresBack() async throws {
        let models = ["alpha", "beta", "gamma"]
        let set = Self.answerSet(questions: 110, models: models)
        // The judge scores each "Model k" with the quality written in its answer.
        let batchJudge = ScriptedBackend(maxConcurrency: 4) { request, _ in
            let text = Self.allText(request)
            var fields: [String] = []
            for k in 1...3 {
                let block = text.components(separatedBy: "[The Start of Model \(k)'s Answer]")[1]
                    .components(separatedBy: "[The End")[0]
                fields.append("\"Model \(k)\": {\"score\": \(Self.qualities(block)[0]), \"comments\": \"ok\"}")
            }
            return "```json\n{" + fields.joined(separator: ", ") + "}\n```"
        }
        let singleJudge = ScriptedBackend(maxConcurrency: 4) { request, _ in
            let text = Self.allText(request)
            let answer = text.components(separatedBy: "[The Start of Assistant's Answer]")[1]
            return "Fine. Rating: [[\(Self.qualities(answer)[0])]]"
        }
        let batch = await JudgeEvaluation(runner: try Self.runner(batchJudge, JudgeConfig(mode: .batch))).run(set)
        let single = await JudgeEvaluation(runner: try Self.runner(singleJudge, JudgeConfig(mode: .single))).run(set)
        #expect(batchJudge.callCount == 110)
        #expect(singleJudge.callCount == 330)
        #expect(batch.usage.calls == 110 && single.usage.calls == 330)
        // Both modes recover every answer's quality, for the right model.
        for results in [batch, single] {
            #expect(results.scores.count == 330)
            for record in results.scores {
                let expected = Self.qualities(set.answers[record.model]![record.questionID]![0])[0]
                #expect(record.score == Double(expected), "\(record.model) \(record.questionID)")
            }
        }
        // The anonymised order changes between questions but is the same on every run.
        let positions = Set(batch.scores.filter { $0.model == "alpha" }.compactMap(\.position))
        #expect(positions.count == 3)
        #expect(
            JudgeRunner.batchOrder(models: models, questionID: "q7", seed: 0)
                == JudgeRunner.batchOrder(models: models, questionID: "q7", seed: 0))
        let shifts = ScoreAnalysis.positionShift(batch)
        #expect(shifts.count == 3)
    }

    @Test func pairwiseJudgesBothOrdersAndCountsDisagreementAsTie() async throws {
        let set = Self.answerSet(questions: 20, models: ["alpha", "beta", "gamma"])
        // A judge that always picks the first answer: every pair flips when the order swaps.
        let firstPicker = ScriptedBackend(maxConcurrency: 2) { _, _ in "A is better. [[A]]" }
        let biased = await JudgeEvaluation(runner: try Self.runner(firstPicker, JudgeConfig(mode: .pairwise))).run(set)
        #expect(firstPicker.callCount == 20 * 3 * 2)
        let bias = PairwiseAnalysis.positionBias(biased.pairs)
        #expect(bias.inconsistent == 60 && bias.consistent == 0 && bias.flipShare == 1)
        #expect(bias.firstPositionShare == 1)
        #expect(PairwiseAnalysis.winRates(biased.pairs, models: biased.models).allSatisfy { $0.winRate == 0.5 })

        // A judge that picks the higher quality: consistent, and win rates follow quality.
        let fair = ScriptedBackend(maxConcurrency: 2) { request, _ in
            let text = Self.allText(request)
            let a = Self.qualities(text.components(separatedBy: "[The Start of Assistant B's Answer]")[0]).last!
            let b = Self.qualities(text.components(separatedBy: "[The Start of Assistant B's Answer]")[1]).first!
            return a > b ? "[[A]]" : a < b ? "[[B]]" : "[[C]]"
        }
        let results = await JudgeEvaluation(
            runner: try Self.runner(fair, JudgeConfig(mode: .pairwise)), baseline: "beta"
        ).run(set)
        #expect(results.pairs.count == 40)
        #expect(results.pairs.allSatisfy { $0.model2 == "beta" && $0.isConsistent })
        for pair in results.pairs {
            let q1 = Self.qualities(set.answers[pair.model1]![pair.questionID]![0])[0]
            let q2 = Self.qualities(set.answers[pair.model2]![pair.questionID]![0])[0]
            #expect(pair.combined == (q1 > q2 ? .model1 : q1 < q2 ? .model2 : .tie))
        }
    }

    @Test func referenceGuidedAndMultiTurnPrompts() async throws {
        let set = Self.answerSet(questions: 4, models: ["alpha"], twoTurns: true)
        let judge = ScriptedBackend { _, _ in "[[5]]" }
        let results = await JudgeEvaluation(runner: try Self.runner(judge, JudgeConfig())).run(set)
        #expect(results.scores.count == 8)
        let prompts = judge.requests.map(Self.allText)
        // q0 has references: its turn-1 prompt carries the reference; turn 2 the whole conversation.
        let q0turn1 = prompts.first { $0.contains("Question 0?") && !$0.contains("Follow-up 0?") }!
        #expect(q0turn1.contains("Reference 0") && q0turn1.contains("[The Start of Reference Answer]"))
        let q0turn2 = prompts.first { $0.contains("Follow-up 0?") }!
        for needle in ["Question 0?", "alpha answer quality=", "alpha second quality=", "Reference 2 0"] {
            #expect(q0turn2.contains(needle), "turn-2 prompt lacks \(needle)")
        }
        let q1turn1 = prompts.first { $0.contains("Question 1?") && !$0.contains("Follow-up 1?") }!
        #expect(!q1turn1.contains("Reference"))
        let summary = ScoreAnalysis.modelScores(results)[0]
        #expect(summary.turnMeans == [5, 5] && summary.scored == 8)
    }

    @Test func rubricWeighsCriteria() async throws {
        let set = Self.answerSet(questions: 3, models: ["alpha"])
        let config = JudgeConfig(
            mode: .rubric,
            rubric: [
                RubricCriterion(name: "accuracy", description: "Is it right?", min: 1, max: 5, weight: 3),
                RubricCriterion(name: "clarity", description: "Is it clear?", min: 1, max: 10, weight: 1),
            ])
        try config.validate()
        let judge = ScriptedBackend { request, call in
            #expect(Self.allText(request).contains("accuracy (1-5, weight 3)"))
            return call == 0 ? "{\"accuracy\": {\"score\": 4}, \"clarity\": {\"score\": 8}}" : "{\"accuracy\": 9}"
        }
        let results = await JudgeEvaluation(runner: try Self.runner(judge, config)).run(set)
        let scored = results.scores.filter { $0.score != nil }
        #expect(scored.count == 1)
        let expected: Double = (3 * 4 + 1 * 8) / 4
        #expect(scored.first?.score == expected)
        #expect(results.scores.filter { $0.score == nil }.allSatisfy { $0.status == .unparsed && !$0.replies.isEmpty })
        var zero = config
        zero.rubric = zero.rubric.map {
            var c = $0; c.weight = 0; return c
        }
        #expect(throws: ProctorError.invalidValue) { try zero.validate() }
    }

    @Test func templatesMustHoldTheirPlaceholders() throws {
        #expect(throws: ProctorError.invalidTemplate) {
            try JudgePrompt(
                text: "[system]\nJudge.\n[user]\nRate {{answer}}", source: "t.txt", required: JudgeSlot.single.required)
        }
        let prompt = try JudgePrompt(
            text: "[system]\nJudge.\n[user]\nQ {{question}} A {{answer}}\n", source: "t.txt",
            required: JudgeSlot.single.required)
        #expect(try prompt.messages(["question": "q", "answer": "a"]) == [.system("Judge."), .user("Q q A a")])
        for preset in ["mt-bench", "book"] { #expect(try JudgePromptSet.preset(preset).prompts.count == 10) }
    }

    @Test func tokensAndCost() async throws {
        let set = Self.answerSet(questions: 5, models: ["alpha", "beta"])
        let judge = ScriptedBackend { _, _ in "[[7]]" }
        let config = JudgeConfig(prices: TokenPrices(input: 2, output: 8))
        let results = await JudgeEvaluation(runner: try Self.runner(judge, config)).run(set)
        // ScriptedBackend reports 10 prompt tokens and 1 completion token per call.
        #expect(results.usage.calls == 10 && results.usage.promptTokens == 100 && results.usage.completionTokens == 10)
        #expect(abs(results.usage.cost - (100 * 2 + 10 * 8) / 1e6) < 1e-12)
    }
}

/// Re-asks start the judge's answer with the format, and the stored reply includes it.
@Suite("Judge re-asks")
struct JudgeReaskTests {
    @Test func reaskPrefillsTheFormatAndKeepsItInTheReply() async throws {
        let set = JudgeModeTests.answerSet(questions: 1, models: ["alpha"])
        for (scale, prefill, continuation, expected) in [
            (JudgeScale.tenPoint, "Rating: [[", "7]]", 7.0), (JudgeScale.percent, "Score:", " 85", 85.0),
        ] {
            let judge = ScriptedBackend { request, number in
                guard number > 0 else { return "I think the answer is quite good overall." }
                // The re-ask ends with the assistant's prefill, which the judge continues.
                guard case .chat(let messages) = request.prompt, let last = messages.last, last.role == .assistant,
                    last.content == prefill
                else { return "no prefill" }
                return continuation
            }
            var config = JudgeConfig()
            config.scale = scale
            config.reasks = 1
            let runner = try JudgeModeTests.runner(judge, config)
            let record = try await runner.gradeSingle(
                question: set.questions[0], model: "alpha", answer: set.answers["alpha"]!["q0"]!, turn: 1,
                repeatIndex: 0)
            #expect(judge.callCount == 2)
            #expect(record.score == expected)
            #expect(record.replies.last == prefill + continuation)
        }
    }
}
