import Foundation
import ProctorCore

/// The one lenient parser for judge replies; docs/JUDGES.md ("Reading judge replies") is its
/// specification, and the property tests in ProctorJudgeTests hold it to that.
///
/// It never throws and never drops the raw reply: what it cannot read comes back `.unparsed`
/// with a reason.
public struct JudgeReplyParser: Sendable, Hashable {
    public var format: JudgeReplyFormat

    public init(format: JudgeReplyFormat) { self.format = format }

    public func parse(_ reply: String) -> ParsedReply {
        let trimmed = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return .unparsed(reply, .empty) }
        var result: ParsedReply
        switch format {
        case .rating(let scale): result = parseRating(reply, trimmed: trimmed, scale: scale)
        case .verdict: result = parseVerdict(reply, trimmed: trimmed)
        case .scores(let keys, let scale): result = parseScores(reply, trimmed: trimmed, keys: keys, scale: scale)
        }
        if result.status == .unparsed, result.reason == .noValue, Self.isRefusal(trimmed) {
            result.reason = .refusal
        }
        return result
    }

    // MARK: Ratings

    private func parseRating(_ raw: String, trimmed: String, scale: JudgeScale) -> ParsedReply {
        // 1. [[x]], as MT-Bench asks. Several different values: the last one, lenient.
        let doubles = Self.bracketedNumbers(in: trimmed, double: true)
        if let last = doubles.last {
            let status: ParseStatus = Set(doubles).count == 1 ? .clean : .lenient
            return rated(raw, last, scale: scale, status: status, rule: "double-bracket")
        }
        // 2. {"score": x} or {"rating": x}, in or out of a code fence.
        if let object = JSONObjectLocator.firstObject(in: trimmed) {
            for (key, value) in object where ["score", "rating"].contains(key.lowercased()) {
                if let number = Self.number(value) {
                    return rated(raw, number, scale: scale, status: .clean, rule: "json")
                }
            }
        }
        // 3. A bare number, optionally labelled or with its scale ("Score: 85", "8.5/10", "7.").
        if let number = Self.bareNumber(trimmed, scale: scale) {
            return rated(raw, number, scale: scale, status: .clean, rule: "bare")
        }
        // 4. [x] (MT-Bench's fallback).
        if let last = Self.bracketedNumbers(in: trimmed, double: false).last {
            return rated(raw, last, scale: scale, status: .lenient, rule: "single-bracket")
        }
        // 5. An integer amid prose (the core ScoreParser's anchored and unanchored rules).
        let low = Int(scale.min.rounded(.up))
        let high = Int(scale.max.rounded(.down))
        if low <= high {
            let (score, status) = ScoreParser(range: low...high).parse(trimmed)
            if let score, status != .unparsed {
                var reply = ParsedReply(raw: raw, status: .lenient, rule: "prose")
                reply.score = Double(score)
                return reply
            }
        }
        return .unparsed(raw, .noValue)
    }

    private func rated(
        _ raw: String, _ value: Double, scale: JudgeScale, status: ParseStatus, rule: String
    )
        -> ParsedReply
    {
        guard scale.contains(value) else { return .unparsed(raw, .outOfRange, value: value) }
        var reply = ParsedReply(raw: raw, status: status, rule: rule)
        reply.score = value
        return reply
    }

    /// `[[x]]` (double) or `[x]` (single) with a decimal number inside, in order.
    static func bracketedNumbers(in text: String, double: Bool) -> [Double] {
        let open = double ? "[[" : "["
        let close = double ? "]]" : "]"
        var values: [Double] = []
        var rest = Substring(text)
        while let start = rest.range(of: open) {
            let after = rest[start.upperBound...]
            guard let end = after.range(of: close) else { break }
            let inner = after[..<end.lowerBound].trimmingCharacters(in: .whitespaces)
            if let value = decimal(inner) { values.append(value) }
            rest = after
        }
        return values
    }

    /// A plain decimal: optional sign, digits, optional fraction. No exponents, no hex, no inf.
    static func decimal(_ text: String) -> Double? {
        guard !text.isEmpty, text.count <= 24 else { return nil }
        var body = Substring(text)
        if body.first == "-" || body.first == "+" { body = body.dropFirst() }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), !parts[0].isEmpty,
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }), parts.count == 1 || !parts[1].isEmpty
        else { return nil }
        return Double(text)
    }

    static func bareNumber(_ text: String, scale: JudgeScale) -> Double? {
        var core = Substring(text.lowercased())
        for label in ["score:", "rating:", "score", "rating"] where core.hasPrefix(label) {
            core = core.dropFirst(label.count).drop { $0 == " " }
            break
        }
        let maxText = JudgeScale.format(scale.max)
        for suffix in [".", "/\(maxText)", " / \(maxText)", " out of \(maxText)"] where core.hasSuffix(suffix) {
            core = core.dropLast(suffix.count)
        }
        return decimal(core.trimmingCharacters(in: .whitespaces))
    }

    /// A JSON number (not a boolean) or a string holding a plain decimal.
    static func number(_ value: Any) -> Double? {
        if let string = value as? String { return decimal(string.trimmingCharacters(in: .whitespaces)) }
        if type(of: value) == Bool.self { return nil }
        if let number = value as? NSNumber {
            // JSONSerialization hands booleans over as NSNumber too; their type code is "c".
            if String(cString: number.objCType) == "c" { return nil }
            return number.doubleValue.isFinite ? number.doubleValue : nil
        }
        if let double = value as? Double { return double.isFinite ? double : nil }
        if let int = value as? Int { return Double(int) }
        return nil
    }

    // MARK: Verdicts

    private func parseVerdict(_ raw: String, trimmed: String) -> ParsedReply {
        // 1. [[A]], [[B]], [[C]] (case-insensitive, inner spaces allowed); different ones: the last.
        var found: [PairVerdict] = []
        var rest = Substring(trimmed)
        while let start = rest.range(of: "[[") {
            let after = rest[start.upperBound...]
            guard let end = after.range(of: "]]") else { break }
            let inner = after[..<end.lowerBound].trimmingCharacters(in: .whitespaces).uppercased()
            if let verdict = PairVerdict(rawValue: inner) { found.append(verdict) }
            rest = after
        }
        if let last = found.last {
            var reply = ParsedReply(
                raw: raw, status: Set(found).count == 1 ? .clean : .lenient, rule: "double-bracket")
            reply.verdict = last
            return reply
        }
        // 2. {"verdict" | "winner" | "better": "A" | "B" | "C" | "tie"}.
        if let object = JSONObjectLocator.firstObject(in: trimmed) {
            for (key, value) in object where ["verdict", "winner", "better"].contains(key.lowercased()) {
                if let text = value as? String, let verdict = Self.verdictWord(text) {
                    var reply = ParsedReply(raw: raw, status: .lenient, rule: "json")
                    reply.verdict = verdict
                    return reply
                }
            }
        }
        // 3. The whole reply is a verdict word: "A", "[B]", "Assistant A", "tie".
        let word = trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "[](){}.!\"'*` \n"))
        if let verdict = Self.verdictWord(word) {
            var reply = ParsedReply(raw: raw, status: .lenient, rule: "bare")
            reply.verdict = verdict
            return reply
        }
        return .unparsed(raw, .noValue)
    }

    static func verdictWord(_ text: String) -> PairVerdict? {
        var word = text.trimmingCharacters(in: .whitespaces).lowercased()
        if word.hasPrefix("assistant ") { word = String(word.dropFirst("assistant ".count)) }
        switch word {
        case "a": return .a
        case "b": return .b
        case "c", "tie": return .tie
        default: return nil
        }
    }

    // MARK: JSON scores

    private func parseScores(_ raw: String, trimmed: String, keys: [String], scale: JudgeScale) -> ParsedReply {
        guard let located = JSONObjectLocator.locate(in: trimmed) else {
            return .unparsed(raw, trimmed.contains("{") ? .invalidJSON : .noValue)
        }
        let object = located.object
        var scores: [String: Double] = [:]
        var comments: [String: String] = [:]
        var missing: [String] = []
        var exact = true
        var outOfRange: Double?
        for key in keys {
            let match = object[key].map { (value: $0, exact: true) } ?? Self.looseLookup(key, in: object)
            guard let match else {
                missing.append(key)
                continue
            }
            var value = Self.number(match.value)
            var strict = match.exact && value != nil && !(match.value is String)
            if value == nil, let nested = match.value as? [String: Any] {
                for (name, inner) in nested where ["score", "rating"].contains(name.lowercased()) {
                    value = Self.number(inner)
                    strict = match.exact && !(inner is String)
                }
                for (name, inner) in nested
                where ["comments", "comment", "explanation", "reason"].contains(name.lowercased()) {
                    if let text = inner as? String { comments[key] = text }
                }
            }
            guard let value, scale.contains(value) else {
                if let value { outOfRange = value }
                missing.append(key)
                continue
            }
            exact = exact && strict
            scores[key] = value
        }
        guard !scores.isEmpty else {
            return .unparsed(raw, outOfRange != nil ? .outOfRange : .invalidJSON, value: outOfRange)
        }
        let complete = missing.isEmpty && exact
        var reply = ParsedReply(
            raw: raw, status: complete ? .clean : .lenient, rule: located.fenced ? "json-fenced" : "json")
        reply.scores = scores
        reply.comments = comments.isEmpty ? nil : comments
        reply.missing = missing.isEmpty ? nil : missing
        return reply
    }

    /// A key matched ignoring case, spaces, underscores and hyphens ("model_1" for "Model 1").
    static func looseLookup(_ key: String, in object: [String: Any]) -> (value: Any, exact: Bool)? {
        let wanted = normalizedKey(key)
        for (name, value) in object where normalizedKey(name) == wanted { return (value, false) }
        return nil
    }

    static func normalizedKey(_ key: String) -> String {
        String(key.lowercased().filter { !$0.isWhitespace && $0 != "_" && $0 != "-" })
    }

    // MARK: Refusals

    static let refusalPhrases = [
        "i cannot", "i can't", "i can not", "i'm unable", "i am unable", "i won't", "i will not", "as an ai",
        "i'm sorry", "i am sorry", "i apologize", "unable to evaluate", "not able to evaluate",
    ]

    static func isRefusal(_ text: String) -> Bool {
        let lower = text.lowercased().replacingOccurrences(of: "’", with: "'")
        return refusalPhrases.contains { lower.contains($0) }
    }
}
