import Foundation
import ProctorCore

extension JudgeRunner {
    // MARK: Batch grading

    /// The order in which models appear as "Model 1..N" for one question: a shuffle seeded by
    /// the config's shuffle seed and the question id (core's SplitMix64), the same on every run.
    public static func batchOrder(models: [String], questionID: String, seed: UInt64) -> [String] {
        var rng = SplitMix64(seed: seed ^ fnv1a(questionID))
        return models.shuffled(using: &rng)
    }

    /// Grades every model's answer to one turn of one question in one judge call; models are
    /// anonymised as "Model 1..N" in a shuffled order and mapped back from the JSON reply.
    public func gradeBatch(
        question: JudgeQuestion, answers: [String: [String]], models: [String], turn: Int, repeatIndex: Int,
        useReference: Bool = true
    ) async throws -> [ScoreRecord] {
        let order = Self.batchOrder(models: models, questionID: question.id, seed: config.shuffleSeed)
        let keys = order.indices.map { "Model \($0 + 1)" }
        var blocks: [String] = []
        for (index, model) in order.enumerated() {
            let turns = answers[model] ?? []
            var body = turns.indices.contains(turn - 1) ? turns[turn - 1] : ""
            if turn > 1 {
                // Turn 2: each model's own conversation, since its first answer differs.
                body = Self.conversationQuestion(question, answer: turns, turn: turn) + "\n\n### Assistant:\n" + body
            }
            blocks.append("[The Start of \(keys[index])'s Answer]\n\(body)\n[The End of \(keys[index])'s Answer]")
        }
        var values = Self.values(question, answer: [], turn: turn, useReference: useReference).values
        values["question"] =
            turn > 1 ? "(the conversation is shown in each answer)\n" + question.turns[turn - 1] : question.turns[0]
        values["answers"] = blocks.joined(separator: "\n\n")
        values["model_keys"] = keys.map { "\"\($0)\"" }.joined(separator: ", ")
        values["reference_section"] = Self.referenceSection(question, turn: turn, useReference: useReference)
        values["scale_min"] = JudgeScale.format(config.scale.min)
        values["scale_max"] = JudgeScale.format(config.scale.max)
        let (parsed, replies) = try await ask(
            try prompts.prompt(.batch).messages(values),
            parser: JudgeReplyParser(format: .scores(keys: keys, scale: config.scale)), repeatIndex: repeatIndex,
            reasks: config.reasks)
        return order.enumerated().map { index, model in
            let key = keys[index]
            let score = parsed.scores?[key]
            let turns = answers[model] ?? []
            return ScoreRecord(
                model: model, questionID: question.id, category: question.category, turn: turn,
                repeatIndex: repeatIndex, score: score,
                status: score == nil ? .unparsed : parsed.status,
                reason: score == nil ? (parsed.reason ?? .invalidJSON) : nil, replies: replies, position: index + 1,
                answerLength: turns.indices.contains(turn - 1) ? turns[turn - 1].count : 0,
                comments: parsed.comments?[key])
        }
    }

    // MARK: Pairwise

    /// Judges model 1 against model 2 on one turn in both orders (g1: model 1 is Assistant A;
    /// g2: model 2 is A). Turn 2 uses the multi-turn prompts with both whole conversations.
    public func comparePair(
        question: JudgeQuestion, model1: String, answer1: [String], model2: String, answer2: [String], turn: Int,
        repeatIndex: Int, useReference: Bool = true
    ) async throws -> PairRecord {
        let parser = JudgeReplyParser(format: .verdict)
        async let first = ask(
            try pairMessages(question, a: answer1, b: answer2, turn: turn, useReference: useReference),
            parser: parser, repeatIndex: repeatIndex, reasks: 0)
        async let second = ask(
            try pairMessages(question, a: answer2, b: answer1, turn: turn, useReference: useReference),
            parser: parser, repeatIndex: repeatIndex, reasks: 0)
        let (g1, g2) = try await (first, second)
        return PairRecord(
            questionID: question.id, category: question.category, turn: turn, repeatIndex: repeatIndex, model1: model1,
            model2: model2, g1Winner: PairRecord.winner(g1.parsed.verdict, modelOneFirst: true),
            g2Winner: PairRecord.winner(g2.parsed.verdict, modelOneFirst: false), g1Reply: g1.replies.last ?? "",
            g2Reply: g2.replies.last ?? "", length1: answer1.indices.contains(turn - 1) ? answer1[turn - 1].count : 0,
            length2: answer2.indices.contains(turn - 1) ? answer2[turn - 1].count : 0)
    }

    func pairMessages(
        _ question: JudgeQuestion, a: [String], b: [String], turn: Int, useReference: Bool
    ) throws
        -> [ChatMessage]
    {
        var values = Self.values(question, answer: [], turn: turn, useReference: useReference).values
        for (index, text) in a.enumerated() { values["answer_a_\(index + 1)"] = text }
        for (index, text) in b.enumerated() { values["answer_b_\(index + 1)"] = text }
        values["answer_a"] = a.indices.contains(turn - 1) ? a[turn - 1] : ""
        values["answer_b"] = b.indices.contains(turn - 1) ? b[turn - 1] : ""
        let references = useReference ? (question.references ?? []) : []
        let hasReference = references.count >= turn && !references.isEmpty
        let slot: JudgeSlot =
            turn == 1
            ? (hasReference ? .pairReference : .pair) : (hasReference ? .pairMultiTurnReference : .pairMultiTurn)
        return try prompts.prompt(slot).messages(values)
    }
}

/// FNV-1a over UTF-8: a stable string hash (Swift's `hashValue` changes per process).
func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash = hash &* 0x100_0000_01b3
    }
    return hash
}
