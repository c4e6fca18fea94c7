import Foundation
import ProctorCore

/// One question put to every model: one or more user turns, optional reference answers.
public struct JudgeQuestion: Sendable, Hashable, Codable {
    public var id: String
    public var category: String?
    public var turns: [String]
    /// Reference answers, one per turn (MT-Bench has them for math, reasoning and coding).
    public var references: [String]?

    public init(id: String, category: String? = nil, turns: [String], references: [String]? = nil) {
        self.id = id
        self.category = category
        self.turns = turns
        self.references = references
    }
}

/// Every model's answers to the same questions: what a judge grades.
public struct AnswerSet: Sendable, Hashable {
    public var questions: [JudgeQuestion]
    /// Models in the order they were given.
    public var models: [String]
    /// model -> question id -> the answer to each turn.
    public var answers: [String: [String: [String]]]

    public init(questions: [JudgeQuestion], models: [String], answers: [String: [String: [String]]]) {
        self.questions = questions
        self.models = models
        self.answers = answers
    }

    public func answer(model: String, question: String) -> [String]? { answers[model]?[question] }

    /// The first `limit` questions.
    public func prefix(_ limit: Int) -> AnswerSet {
        let kept = Array(questions.prefix(limit))
        let ids = Set(kept.map(\.id))
        return AnswerSet(
            questions: kept, models: models, answers: answers.mapValues { $0.filter { ids.contains($0.key) } })
    }

    /// Checks that every model answered every question with every turn, and no model answered
    /// a question the others lack; otherwise names the file, model and question at fault.
    public func checkAligned(files: [String: String] = [:]) throws {
        let ids = Set(questions.map(\.id))
        for model in models {
            let mine = answers[model] ?? [:]
            let file = files[model] ?? model
            if let extra = Set(mine.keys).subtracting(ids).sorted().first {
                throw ProctorError.invalidValue(
                    "question_id",
                    "answers of '\(model)' include question \(extra), which the other files (or the questions) lack; "
                        + "the items do not line up across models", file: file)
            }
            for question in questions {
                guard let turns = mine[question.id] else {
                    throw ProctorError.invalidValue(
                        "question_id",
                        "'\(model)' has no answer to question \(question.id), which other models answered; "
                            + "the items do not line up across models", file: file)
                }
                if turns.count < question.turns.count {
                    throw ProctorError.invalidValue(
                        "turns",
                        "'\(model)' answered \(turns.count) of the \(question.turns.count) turns of question \(question.id)",
                        file: file)
                }
            }
        }
    }
}
