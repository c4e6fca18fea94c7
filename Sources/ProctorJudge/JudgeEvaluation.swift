import Foundation
import Logging
import ProctorCore

/// Everything one judging pass produced.
public struct JudgeResults: Sendable, Hashable, Codable {
    public var mode: JudgeMode
    public var judge: String
    public var models: [String]
    public var repeats: Int
    public var scores: [ScoreRecord]
    public var pairs: [PairRecord]
    public var usage: JudgeUsage

    public init(
        mode: JudgeMode, judge: String, models: [String], repeats: Int, scores: [ScoreRecord] = [],
        pairs: [PairRecord] = [], usage: JudgeUsage = JudgeUsage()
    ) {
        self.mode = mode
        self.judge = judge
        self.models = models
        self.repeats = repeats
        self.scores = scores
        self.pairs = pairs
        self.usage = usage
    }
}

/// Runs a judge over an answer set: every (question, turn, repeat) in the chosen mode, at
/// most the backend's concurrency in flight. A failed call is recorded, not fatal.
public struct JudgeEvaluation: Sendable {
    public var runner: JudgeRunner
    /// 1 for turn 1 only; 2 for both turns where questions have them.
    public var turns: Int
    public var repeats: Int
    /// Pairwise: compare every model with this one; nil compares all pairs.
    public var baseline: String?
    public var useReferences: Bool

    public init(
        runner: JudgeRunner, turns: Int = 2, repeats: Int = 1, baseline: String? = nil, useReferences: Bool = true
    ) {
        self.runner = runner
        self.turns = turns
        self.repeats = repeats
        self.baseline = baseline
        self.useReferences = useReferences
    }

    struct Unit: Sendable {
        var question: JudgeQuestion
        var turn: Int
        var repeatIndex: Int
        var model: String?
        var pair: (String, String)?
    }

    public func run(_ set: AnswerSet, progress: any ProgressSink = SilentProgress()) async -> JudgeResults {
        let mode = runner.config.mode
        var units: [Unit] = []
        for repeatIndex in 0..<repeats {
            for question in set.questions {
                for turn in 1...min(turns, question.turns.count) {
                    switch mode {
                    case .single, .rubric:
                        for model in set.models {
                            units.append(Unit(question: question, turn: turn, repeatIndex: repeatIndex, model: model))
                        }
                    case .batch:
                        units.append(Unit(question: question, turn: turn, repeatIndex: repeatIndex))
                    case .pairwise:
                        for pair in pairs(set.models) {
                            units.append(Unit(question: question, turn: turn, repeatIndex: repeatIndex, pair: pair))
                        }
                    }
                }
            }
        }
        let counter = ProgressCounter(
            sink: progress, phase: "\(runner.name): judging (\(mode.rawValue))", total: units.count)
        let runner = self.runner
        let useReferences = self.useReferences
        let outputs = await concurrentMap(units, limit: runner.backend.maxConcurrency) {
            _, unit -> ([ScoreRecord], [PairRecord]) in
            defer { counter.complete() }
            let question = unit.question
            do {
                switch mode {
                case .single, .rubric:
                    let model = unit.model!
                    let answer = set.answer(model: model, question: question.id) ?? []
                    let record =
                        mode == .single
                        ? try await runner.gradeSingle(
                            question: question, model: model, answer: answer, turn: unit.turn,
                            repeatIndex: unit.repeatIndex, useReference: useReferences)
                        : try await runner.gradeRubric(
                            question: question, model: model, answer: answer, turn: unit.turn,
                            repeatIndex: unit.repeatIndex, useReference: useReferences)
                    return ([record], [])
                case .batch:
                    let answers = Dictionary(
                        uniqueKeysWithValues: set.models.map {
                            ($0, set.answer(model: $0, question: question.id) ?? [])
                        })
                    let records = try await runner.gradeBatch(
                        question: question, answers: answers, models: set.models, turn: unit.turn,
                        repeatIndex: unit.repeatIndex, useReference: useReferences)
                    return (records, [])
                case .pairwise:
                    let (first, second) = unit.pair!
                    let record = try await runner.comparePair(
                        question: question, model1: first,
                        answer1: set.answer(model: first, question: question.id) ?? [],
                        model2: second, answer2: set.answer(model: second, question: question.id) ?? [],
                        turn: unit.turn, repeatIndex: unit.repeatIndex, useReference: useReferences)
                    return ([], [record])
                }
            } catch {
                runner.logger.warning(
                    "judge call failed", metadata: ["question": "\(question.id)", "error": "\(error)"])
                return Self.failed(unit, models: set.models, mode: mode, error: "\(error)")
            }
        }
        return JudgeResults(
            mode: mode, judge: runner.name, models: set.models, repeats: repeats, scores: outputs.flatMap(\.0),
            pairs: outputs.flatMap(\.1), usage: runner.usage.usage)
    }

    func pairs(_ models: [String]) -> [(String, String)] {
        if let baseline {
            return models.filter { $0 != baseline }.map { ($0, baseline) }
        }
        var result: [(String, String)] = []
        for i in models.indices {
            for j in models.indices where j > i { result.append((models[i], models[j])) }
        }
        return result
    }

    static func failed(_ unit: Unit, models: [String], mode: JudgeMode, error: String) -> ([ScoreRecord], [PairRecord])
    {
        if let (first, second) = unit.pair {
            var record = PairRecord(
                questionID: unit.question.id, category: unit.question.category, turn: unit.turn,
                repeatIndex: unit.repeatIndex, model1: first, model2: second, g1Winner: nil, g2Winner: nil)
            record.error = error
            return ([], [record])
        }
        let targets = unit.model.map { [$0] } ?? models
        return (
            targets.map { model in
                ScoreRecord(
                    model: model, questionID: unit.question.id, category: unit.question.category, turn: unit.turn,
                    repeatIndex: unit.repeatIndex, score: nil, status: .unparsed, reason: nil, replies: [],
                    position: nil, answerLength: 0, error: error)
            }, []
        )
    }
}
