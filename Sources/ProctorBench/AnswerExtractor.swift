import Foundation

/// lm-eval's answer extraction and exact-match comparison for generated text.
public enum AnswerExtractor {
    static func regex(_ pattern: String) throws -> NSRegularExpression {
        try NSRegularExpression(pattern: pattern)
    }

    /// Cuts `text` before the first occurrence of any stop sequence (lm-eval applies `until`
    /// to the decoded text as well as during generation).
    public static func truncate(_ text: String, at stops: [String]) -> String {
        var result = Substring(text)
        for stop in stops where !stop.isEmpty {
            if let range = result.range(of: stop) { result = result[..<range.lowerBound] }
        }
        return String(result)
    }

    /// lm-eval's `regex` filter followed by `take_first`: all matches of `filter.pattern`, the
    /// one at `groupSelect` (negative counts from the end), its first non-empty group (or the
    /// whole match when the pattern has no groups), stripped; `fallback` when nothing matches.
    public static func extract(_ text: String, filter: ExtractionFilter) -> String {
        guard let regex = try? regex(filter.pattern) else { return filter.fallback }
        let matches = regex.matches(in: text, range: NSRange(text.startIndex..., in: text))
        guard !matches.isEmpty else { return filter.fallback }
        let position = filter.groupSelect < 0 ? matches.count + filter.groupSelect : filter.groupSelect
        guard position >= 0 && position < matches.count else { return filter.fallback }
        let match = matches[position]
        func group(_ index: Int) -> String {
            let range = match.range(at: index)
            guard range.location != NSNotFound, let swiftRange = Range(range, in: text) else { return "" }
            return String(text[swiftRange])
        }
        let value: String
        switch match.numberOfRanges {
        case 1: value = group(0)
        case 2: value = group(1)
        default:
            guard let first = (1..<match.numberOfRanges).map(group).first(where: { !$0.isEmpty }) else {
                return filter.fallback
            }
            value = first
        }
        return value.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// lm-eval's `exact_match`: remove `regexesToIgnore` from both texts, optionally
    /// lower-case and drop punctuation, then compare. 1 when equal, else 0.
    public static func exactMatch(prediction: String, reference: String, metric: MetricSpec) -> Double {
        var prediction = prediction
        var reference = reference
        for pattern in metric.regexesToIgnore {
            guard let regex = try? regex(pattern) else { continue }
            prediction = regex.stringByReplacingMatches(
                in: prediction, range: NSRange(prediction.startIndex..., in: prediction), withTemplate: "")
            reference = regex.stringByReplacingMatches(
                in: reference, range: NSRange(reference.startIndex..., in: reference), withTemplate: "")
        }
        if metric.ignoreCase {
            prediction = prediction.lowercased()
            reference = reference.lowercased()
        }
        if metric.ignorePunctuation {
            let punctuation = Set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~".unicodeScalars)
            prediction = String(
                String.UnicodeScalarView(prediction.unicodeScalars.filter { !punctuation.contains($0) }))
            reference = String(String.UnicodeScalarView(reference.unicodeScalars.filter { !punctuation.contains($0) }))
        }
        return prediction == reference ? 1 : 0
    }
}
