import ProctorCore

/// What kind of answer a judge prompt asks for, and so how its reply is read.
public enum JudgeReplyFormat: Sendable, Hashable, Codable {
    /// One number on a scale (`85`, `Rating: [[8.5]]`, `{"score": 7}`).
    case rating(JudgeScale)
    /// A pairwise verdict: `[[A]]`, `[[B]]` or `[[C]]` (tie).
    case verdict
    /// A JSON object with one score per key (batch: "Model 1".., rubric: criterion names).
    case scores(keys: [String], scale: JudgeScale)
}

/// A closed score range, e.g. 0-100 (the book) or 1-10 (MT-Bench).
public struct JudgeScale: Sendable, Hashable, Codable, CustomStringConvertible {
    public var min: Double
    public var max: Double

    public init(min: Double, max: Double) {
        self.min = min
        self.max = max
    }

    public static let percent = JudgeScale(min: 0, max: 100)
    public static let tenPoint = JudgeScale(min: 1, max: 10)

    public func contains(_ value: Double) -> Bool { value.isFinite && value >= min && value <= max }

    public var description: String { "\(Self.format(min))-\(Self.format(max))" }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}

/// A pairwise verdict, in the positions the judge saw (A first, B second).
public enum PairVerdict: String, Sendable, Hashable, Codable {
    case a = "A"
    case b = "B"
    case tie = "C"
}

/// Why a reply yielded nothing usable.
public enum UnparsedReason: String, Sendable, Hashable, Codable {
    /// Empty or whitespace only.
    case empty
    /// The judge declined ("I cannot evaluate ...") and gave no value.
    case refusal
    /// A value in the asked-for form, but outside the scale (kept in `outOfRangeValue`).
    case outOfRange
    /// Several different verdicts or ratings in the asked-for form.
    case ambiguous
    /// JSON was asked for, and what looked like JSON did not parse, or held none of the keys.
    case invalidJSON
    /// Nothing recognisable.
    case noValue
}

/// One judge reply, read. The raw reply is always kept.
public struct ParsedReply: Sendable, Hashable, Codable {
    public var raw: String
    /// clean: in the asked-for form; lenient: found by a fallback rule; unparsed: nothing usable.
    public var status: ParseStatus
    /// Which rule produced the value (`double-bracket`, `single-bracket`, `json`, `bare`, `prose`, ...).
    public var rule: String?
    public var score: Double?
    public var verdict: PairVerdict?
    /// For `.scores`: the keys that held a valid value.
    public var scores: [String: Double]?
    public var comments: [String: String]?
    /// For `.scores`: expected keys that held nothing valid.
    public var missing: [String]?
    public var reason: UnparsedReason?
    public var outOfRangeValue: Double?

    public init(raw: String, status: ParseStatus, rule: String? = nil) {
        self.raw = raw
        self.status = status
        self.rule = rule
    }

    public var isParsed: Bool { status != .unparsed }

    static func unparsed(_ raw: String, _ reason: UnparsedReason, value: Double? = nil) -> ParsedReply {
        var reply = ParsedReply(raw: raw, status: .unparsed)
        reply.reason = reason
        reply.outOfRangeValue = value
        return reply
    }
}
