import Foundation
import ProctorCore

/// Labels of one rater (a judge or people) over items: numeric scores or pairwise votes.
public struct RaterLabels: Sendable, Hashable {
    public var source: String
    public var scores: [String: Double]
    /// Votes keyed by "modelX|modelY#question#turn" with the model names sorted; the value is
    /// the winner's name, or "tie".
    public var votes: [String: String]
    /// Keys in file order.
    public var order: [String]
    /// Plain arrays carry no ids: items are matched by position.
    public var positional: Bool

    /// Reads labels from:
    /// - a JSON array of numbers (or null), matched by position (the book's score files);
    /// - a `proctor judge run` judgments.json (scores by model, question and turn, averaged over
    ///   repeats; pairwise verdicts combined over both orders);
    /// - JSON/JSONL objects with `question_id`, `model`, optional `turn` and `score` (FastChat
    ///   single judgments, human scores), or `model_a`, `model_b`, `winner` (human votes:
    ///   `model_a`, `model_b`, `tie`).
    public static func load(path: String) throws -> RaterLabels {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProctorError.fileNotFound(path, what: "label file")
        }
        var labels = RaterLabels(source: path, scores: [:], votes: [:], order: [], positional: false)
        let top = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        if let array = top as? [Any], array.allSatisfy({ $0 is NSNull || JudgeReplyParser.number($0) != nil }) {
            labels.positional = true
            for (index, value) in array.enumerated() {
                labels.order.append(String(index))
                if let number = JudgeReplyParser.number(value) { labels.scores[String(index)] = number }
            }
            return labels
        }
        if top is [String: Any] {
            let results: JudgeResults
            do {
                results = try JSONDecoder().decode(JudgeResults.self, from: data)
            } catch {
                throw ProctorError.invalidJSON(file: path, line: nil, detail: "not a judgments.json: \(error)")
            }
            var sums: [String: (Double, Int)] = [:]
            for record in results.scores {
                let key = "\(record.model)#\(record.questionID)#\(record.turn)"
                if !labels.order.contains(key) { labels.order.append(key) }
                if let score = record.score { sums[key, default: (0, 0)] = (sums[key]!.0 + score, sums[key]!.1 + 1) }
            }
            labels.scores = sums.mapValues { $0.0 / Double($0.1) }
            for pair in results.pairs where pair.repeatIndex == 0 {
                guard let combined = pair.combined else { continue }
                let winner = combined == .tie ? "tie" : (combined == .model1 ? pair.model1 : pair.model2)
                let key = voteKey(pair.model1, pair.model2, question: pair.questionID, turn: pair.turn)
                labels.order.append(key)
                labels.votes[key] = winner
            }
            return labels
        }
        for record in try AnswerFileLoader.readRecords(path) {
            let object = record.object
            let question = object["question_id"].map(AnswerFileLoader.idString) ?? String(record.line)
            let turn = object["turn"] as? Int ?? 1
            if let a = object["model_a"] as? String, let b = object["model_b"] as? String,
                let winner = object["winner"] as? String
            {
                let key = voteKey(a, b, question: question, turn: turn)
                let name = winner == "model_a" ? a : winner == "model_b" ? b : "tie"
                labels.order.append(key)
                labels.votes[key] = name
            } else if let score = object["score"].flatMap(JudgeReplyParser.number) {
                let key = "\(object["model"] as? String ?? "")#\(question)#\(turn)"
                labels.order.append(key)
                if score >= 0 { labels.scores[key] = score }  // FastChat writes -1 for its errors
            } else if object["score"] == nil && object["winner"] == nil {
                throw ProctorError.missingField("score", file: path, line: record.line)
            }
        }
        return labels
    }

    static func voteKey(_ a: String, _ b: String, question: String, turn: Int) -> String {
        let models = [a, b].sorted()
        return "\(models[0])|\(models[1])#\(question)#\(turn)"
    }
}

/// How well two raters agree on the items both labelled.
public struct AgreementReport: Sendable, Hashable, Codable {
    public var kind: String
    public var n: Int
    public var onlyFirst: Int
    public var onlySecond: Int
    /// Share of items with the same label (scores: the same number).
    public var percentAgreement: Double
    /// Nominal kappa for votes; quadratic-weighted kappa for scores.
    public var kappa: KappaEstimate
    public var pearson: CorrelationEstimate?
    public var spearman: CorrelationEstimate?
    public var kendall: CorrelationEstimate?

    public static func compare(_ first: RaterLabels, _ second: RaterLabels) throws -> AgreementReport {
        let voting = !first.votes.isEmpty || !second.votes.isEmpty
        if voting {
            let keys = first.order.filter { first.votes[$0] != nil && second.votes[$0] != nil }
            let a = keys.map { first.votes[$0]! }
            let b = keys.map { second.votes[$0]! }
            guard !keys.isEmpty else { throw noOverlap(first, second) }
            return AgreementReport(
                kind: "votes", n: keys.count, onlyFirst: first.votes.count - keys.count,
                onlySecond: second.votes.count - keys.count, percentAgreement: Agreement.percentAgreement(a, b),
                kappa: Agreement.cohenKappa(a, b))
        }
        var keys: [String]
        if first.positional || second.positional {
            // Positional files: item i against item i, over the shorter file.
            let count = min(first.order.count, second.order.count)
            keys = (0..<count).map(String.init).filter { first.scores[$0] != nil && second.scores[$0] != nil }
            guard first.positional && second.positional else {
                throw ProctorError.invalidArgument(
                    "\(first.positional ? first.source : second.source) is a plain array (matched by position) and the "
                        + "other file has ids; give two of the same kind", field: "labels")
            }
        } else {
            keys = first.order.filter { first.scores[$0] != nil && second.scores[$0] != nil }
        }
        guard !keys.isEmpty else { throw noOverlap(first, second) }
        let a = keys.map { first.scores[$0]! }
        let b = keys.map { second.scores[$0]! }
        return AgreementReport(
            kind: "scores", n: keys.count, onlyFirst: first.scores.count - keys.count,
            onlySecond: second.scores.count - keys.count, percentAgreement: Agreement.percentAgreement(a, b),
            kappa: Agreement.cohenKappa(a, b, weights: .quadratic), pearson: Correlation.pearson(a, b),
            spearman: Correlation.spearman(a, b), kendall: Correlation.kendall(a, b))
    }

    static func noOverlap(_ first: RaterLabels, _ second: RaterLabels) -> ProctorError {
        ProctorError.invalidArgument(
            "\(first.source) and \(second.source) label no item in common (check the question ids and model names)",
            field: "labels")
    }
}
