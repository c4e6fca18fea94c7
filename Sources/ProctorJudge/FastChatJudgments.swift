import Foundation
import ProctorCore

/// Stored FastChat judgments (`model_judgment/*_pair.jsonl`, `*_single.jsonl`), re-read from
/// the raw judge text with Proctor's parser.
public enum FastChatJudgments {
    /// One pairwise line, re-parsed, next to what FastChat recorded.
    public struct ReparsedPair: Sendable, Hashable {
        public var record: PairRecord
        /// FastChat's own `g1_winner`/`g2_winner` ("model_1", "model_2", "tie", "error").
        public var recordedG1: String
        public var recordedG2: String

        /// Whether Proctor's reading of both orders equals FastChat's ("error" = unparsed).
        public var matchesRecorded: Bool {
            (record.g1Winner?.rawValue ?? "error") == recordedG1 && (record.g2Winner?.rawValue ?? "error") == recordedG2
        }
    }

    /// One single-grading line, re-parsed.
    public struct ReparsedSingle: Sendable, Hashable {
        public var record: ScoreRecord
        /// FastChat's recorded score (-1 for its errors).
        public var recorded: Double?
    }

    public static func reparsePairs(path: String) throws -> [ReparsedPair] {
        let parser = JudgeReplyParser(format: .verdict)
        return try AnswerFileLoader.readRecords(path).map { line in
            let object = line.object
            guard let g1 = object["g1_judgment"] as? String, let g2 = object["g2_judgment"] as? String else {
                throw ProctorError.missingField("g1_judgment", file: path, line: line.line)
            }
            guard let model1 = object["model_1"] as? String, let model2 = object["model_2"] as? String else {
                throw ProctorError.missingField("model_1", file: path, line: line.line)
            }
            let id = object["question_id"].map(AnswerFileLoader.idString) ?? "\(line.line)"
            let record = PairRecord(
                questionID: id, turn: object["turn"] as? Int ?? 1, model1: model1, model2: model2,
                g1Winner: PairRecord.winner(parser.parse(g1).verdict, modelOneFirst: true),
                g2Winner: PairRecord.winner(parser.parse(g2).verdict, modelOneFirst: false), g1Reply: g1, g2Reply: g2,
                length1: 0, length2: 0)
            return ReparsedPair(
                record: record, recordedG1: object["g1_winner"] as? String ?? "",
                recordedG2: object["g2_winner"] as? String ?? "")
        }
    }

    public static func reparseSingles(path: String, scale: JudgeScale = .tenPoint) throws -> [ReparsedSingle] {
        let parser = JudgeReplyParser(format: .rating(scale))
        return try AnswerFileLoader.readRecords(path).map { line in
            let object = line.object
            guard let judgment = object["judgment"] as? String else {
                throw ProctorError.missingField("judgment", file: path, line: line.line)
            }
            let parsed = parser.parse(judgment)
            let record = ScoreRecord(
                model: object["model"] as? String ?? "",
                questionID: object["question_id"].map(AnswerFileLoader.idString) ?? "",
                category: nil, turn: object["turn"] as? Int ?? 1, repeatIndex: 0, score: parsed.score,
                status: parsed.status,
                reason: parsed.reason, replies: [judgment], position: nil, answerLength: 0)
            return ReparsedSingle(record: record, recorded: JudgeReplyParser.number(object["score"] as Any))
        }
    }

    /// Whether a FastChat judgment file holds pairwise lines (else single).
    public static func isPairwise(path: String) throws -> Bool {
        guard let first = try AnswerFileLoader.readRecords(path).first else {
            throw ProctorError.invalidValue("judgments", "the file holds no judgments", file: path)
        }
        return first.object["g1_judgment"] != nil
    }
}
