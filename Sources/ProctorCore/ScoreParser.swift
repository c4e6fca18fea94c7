import Foundation

/// How a judge's reply was read.
public enum ParseStatus: String, Sendable, Hashable, Codable {
    /// The reply was a bare integer, optionally with a label or scale (`85`, `85.`, `Score: 85`, `85/100`).
    case clean
    /// An integer in range was found amid other text.
    case lenient
    /// No usable score; the raw reply is kept.
    case unparsed
}

/// Reads an integer score in a closed range from a judge's free-text reply.
///
/// The rules, in order:
/// 1. **clean**: after trimming, the reply is one integer, optionally preceded by `Score:` or
///    `Rating:` and followed by `.`, `/MAX` or `out of MAX`.
/// 2. **lenient, anchored**: the first in-range integer right after a score phrase ("score",
///    "rating", "grade", "answer is", "give it", "I would give") or right before `/MAX`,
///    `out of MAX` or "points".
/// 3. **lenient, unanchored**: the first in-range integer that is not part of a decimal or a
///    list of numbers and does not occur in the judged material (`context`), so a judge
///    that echoes "2, 4, 8, 16" is not read as scoring 2.
/// 4. otherwise **unparsed**.
public struct ScoreParser: Sendable, Hashable {
    public var range: ClosedRange<Int>

    public init(range: ClosedRange<Int> = 0...100) { self.range = range }

    private static let anchors = [
        "score", "rating", "grade", "answer is", "give it", "would give", "i give", "rate it", "scored",
    ]

    public func parse(_ reply: String, context: String = "") -> (score: Int?, status: ParseStatus) {
        let trimmed = reply.trimmingCharacters(in: .whitespacesAndNewlines)
        if let value = cleanValue(trimmed) {
            return range.contains(value) ? (value, .clean) : (nil, .unparsed)
        }
        let lower = trimmed.lowercased()
        let numbers = integers(in: lower)
        for number in numbers where range.contains(number.value) && !number.inList {
            let before = lower[..<number.start].suffix(24)
            let after = lower[number.end...].prefix(12).trimmingCharacters(in: .whitespaces)
            let anchoredBefore = Self.anchors.contains { anchor in
                guard let found = before.range(of: anchor, options: .backwards) else { return false }
                return before[found.upperBound...].allSatisfy { !$0.isLetter || $0 == "s" || $0 == "o" || $0 == "f" }
            }
            let anchoredAfter =
                after.hasPrefix("/\(range.upperBound)") || after.hasPrefix("out of \(range.upperBound)")
                || after.hasPrefix("points")
            if anchoredBefore || anchoredAfter { return (number.value, .lenient) }
        }
        let quoted = Set(integers(in: context.lowercased()).map(\.value))
        for number in numbers where range.contains(number.value) && !number.inList && !quoted.contains(number.value) {
            let after = lower[number.end...].prefix(6)
            if after.hasPrefix("/") && !after.hasPrefix("/\(range.upperBound)") { continue }
            return (number.value, .lenient)
        }
        return (nil, .unparsed)
    }

    /// The value of a reply that is just a (labelled) integer, or nil.
    private func cleanValue(_ text: String) -> Int? {
        var core = Substring(text.lowercased())
        for label in ["score:", "rating:", "score", "rating"] where core.hasPrefix(label) {
            core = core.dropFirst(label.count).drop { $0 == " " }
            break
        }
        for suffix in [".", "/\(range.upperBound)", " out of \(range.upperBound)"] where core.hasSuffix(suffix) {
            core = core.dropLast(suffix.count)
        }
        guard !core.hasPrefix("+"), let value = Int(core.trimmingCharacters(in: .whitespaces)) else { return nil }
        return value
    }

    private struct Number {
        var value: Int
        var start: String.Index
        var end: String.Index
        /// Part of a comma-separated run of numbers (an echoed sequence, not a score).
        var inList: Bool
    }

    /// Whole integers in the text; decimals and long digit runs are skipped.
    private func integers(in text: String) -> [Number] {
        var found: [Number] = []
        var index = text.startIndex
        while index < text.endIndex {
            guard text[index].isASCII, text[index].isNumber else {
                index = text.index(after: index)
                continue
            }
            let start = index
            while index < text.endIndex, text[index].isASCII, text[index].isNumber { index = text.index(after: index) }
            let previous = start > text.startIndex ? text[text.index(before: start)] : " "
            let isDecimalTail =
                previous == "." && start > text.index(after: text.startIndex)
                && text[text.index(start, offsetBy: -2)].isNumber
            let next = index < text.endIndex ? text[index] : " "
            let afterNext =
                index < text.endIndex && text.index(after: index) < text.endIndex
                ? text[text.index(after: index)] : " "
            let isDecimalHead = next == "." && afterNext.isNumber
            // Skip decimals, denominators ("8.5/10") and long digit runs (years, ids).
            if isDecimalTail || isDecimalHead || previous == "/" || text.distance(from: start, to: index) > 4 {
                continue
            }
            let listBefore =
                text[..<start].suffix(3).contains(",")
                && text[..<start].suffix(4).contains(where: \.isNumber)
            let listAfter = next == "," && text[index...].dropFirst().prefix(3).contains(where: \.isNumber)
            found.append(
                Number(value: Int(text[start..<index]) ?? -1, start: start, end: index, inList: listBefore || listAfter)
            )
        }
        return found
    }
}
