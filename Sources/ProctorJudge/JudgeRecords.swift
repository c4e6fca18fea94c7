import Foundation
import ProctorCore
import Synchronization

/// One graded answer (single, batch or rubric), for one repeat.
public struct ScoreRecord: Sendable, Hashable, Codable {
    public var model: String
    public var questionID: String
    public var category: String?
    /// 1-based turn.
    public var turn: Int
    public var repeatIndex: Int
    public var score: Double?
    public var status: ParseStatus
    public var reason: UnparsedReason?
    /// Every raw judge reply for this grade (more than one after re-asks).
    public var replies: [String]
    /// Batch mode: the 1-based position ("Model k") the answer had in the judge prompt.
    public var position: Int?
    /// Characters in the graded answer.
    public var answerLength: Int
    /// Rubric mode: the score per criterion.
    public var criteria: [String: Double]?
    public var comments: String?
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case model, category, turn, score, status, reason, replies, position, criteria, comments, error
        case questionID = "question_id"
        case repeatIndex = "repeat"
        case answerLength = "answer_length"
    }
}

/// Who won a pairwise comparison, named by the pair's fixed roles (as FastChat writes them).
public enum PairWinner: String, Sendable, Hashable, Codable {
    case model1 = "model_1"
    case model2 = "model_2"
    case tie
}

/// One pair judged in both orders: g1 shows model 1 as Assistant A, g2 shows model 2 as A.
public struct PairRecord: Sendable, Hashable, Codable {
    public var questionID: String
    public var category: String?
    public var turn: Int
    public var repeatIndex: Int
    public var model1: String
    public var model2: String
    /// Each order's verdict mapped to the fixed roles; nil when the reply was unparsed.
    public var g1Winner: PairWinner?
    public var g2Winner: PairWinner?
    public var g1Reply: String
    public var g2Reply: String
    public var length1: Int
    public var length2: Int
    public var error: String?

    enum CodingKeys: String, CodingKey {
        case category, turn, error
        case questionID = "question_id"
        case repeatIndex = "repeat"
        case model1 = "model_1"
        case model2 = "model_2"
        case g1Winner = "g1_winner"
        case g2Winner = "g2_winner"
        case g1Reply = "g1_judgment"
        case g2Reply = "g2_judgment"
        case length1 = "length_1"
        case length2 = "length_2"
    }

    public init(
        questionID: String, category: String? = nil, turn: Int = 1, repeatIndex: Int = 0, model1: String,
        model2: String, g1Winner: PairWinner?, g2Winner: PairWinner?, g1Reply: String = "", g2Reply: String = "",
        length1: Int = 0, length2: Int = 0
    ) {
        self.questionID = questionID
        self.category = category
        self.turn = turn
        self.repeatIndex = repeatIndex
        self.model1 = model1
        self.model2 = model2
        self.g1Winner = g1Winner
        self.g2Winner = g2Winner
        self.g1Reply = g1Reply
        self.g2Reply = g2Reply
        self.length1 = length1
        self.length2 = length2
    }

    /// The two orders agree (both unparsed counts as neither consistent nor inconsistent).
    public var isConsistent: Bool { g1Winner != nil && g1Winner == g2Winner }
    /// The orders disagree, or one order gave no verdict while the other did.
    public var isInconsistent: Bool { g1Winner != g2Winner }
    /// Neither order gave a verdict.
    public var isUnjudged: Bool { g1Winner == nil && g2Winner == nil }

    /// The combined verdict: the shared one when both orders agree, a tie when they do not,
    /// nil when neither order gave a verdict.
    public var combined: PairWinner? {
        if isUnjudged { return nil }
        return isConsistent ? g1Winner : .tie
    }

    /// Model 1's points: 1 win, 0.5 tie, 0 loss; nil when unjudged.
    public var model1Points: Double? {
        switch combined {
        case .model1: return 1
        case .model2: return 0
        case .tie: return 0.5
        case nil: return nil
        }
    }

    /// The verdict of each order mapped back from positions: in g1 A is model 1, in g2 A is model 2.
    public static func winner(_ verdict: PairVerdict?, modelOneFirst: Bool) -> PairWinner? {
        switch verdict {
        case .a: return modelOneFirst ? .model1 : .model2
        case .b: return modelOneFirst ? .model2 : .model1
        case .tie: return .tie
        case nil: return nil
        }
    }
}

/// Judge calls and tokens, and what they cost at the configured prices.
public struct JudgeUsage: Sendable, Hashable, Codable {
    public var calls: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var prices: TokenPrices

    enum CodingKeys: String, CodingKey {
        case calls, prices
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
    }

    public init(calls: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0, prices: TokenPrices = TokenPrices()) {
        self.calls = calls
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.prices = prices
    }

    /// US dollars.
    public var cost: Double {
        Double(promptTokens) / 1e6 * prices.input + Double(completionTokens) / 1e6 * prices.output
    }
}

/// Adds up judge calls and tokens across concurrent tasks.
public final class UsageMeter: Sendable {
    private let state: Mutex<JudgeUsage>

    public init(prices: TokenPrices = TokenPrices()) { state = Mutex(JudgeUsage(prices: prices)) }

    public func add(_ result: GenerationResult) {
        state.withLock {
            $0.calls += 1
            $0.promptTokens += result.promptTokens
            $0.completionTokens += result.completionTokens
        }
    }

    public var usage: JudgeUsage { state.withLock { $0 } }
}
