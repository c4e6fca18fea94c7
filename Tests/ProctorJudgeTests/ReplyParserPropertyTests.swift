import Foundation
import ProctorCore
import Testing

@testable import ProctorJudge

/// Core's seeded generator, so every run tests the same replies.
typealias SeededGenerator = SplitMix64

/// Replies built from parts whose correct reading is known, and random noise that must
/// never crash the parser. Over 10,000 cases in the normal test run.
@Suite("Judge reply parser: properties")
struct ReplyParserPropertyTests {
    static let words = [
        "the", "answer", "is", "clear", "and", "helpful", "but", "misses", "detail", "overall", "response",
        "assistant", "explains", "well", "accurate", "concise", "good", "reasonable", "quality", "user",
    ]

    static func prose(_ rng: inout SeededGenerator, maxWords: Int = 30) -> String {
        let count = Int.random(in: 0...maxWords, using: &rng)
        var text = (0..<count).map { _ in words.randomElement(using: &rng)! }.joined(separator: " ")
        if count > 0, Bool.random(using: &rng) { text += "." }
        return text
    }

    static func ratingText(_ value: Double) -> String { JudgeScale.format(value) }

    @Test func doubleBracketRatingsAreReadExactly() {
        var rng = SeededGenerator(seed: 1)
        let parser = JudgeReplyParser(format: .rating(.tenPoint))
        for _ in 0..<3000 {
            let halves = Int.random(in: 0...22, using: &rng)
            let value = Double(halves) / 2  // 0.0 ... 11.0: some out of 1-10
            let spaced = Bool.random(using: &rng) ? " " : ""
            let reply =
                Self.prose(&rng) + (Bool.random(using: &rng) ? "\nRating: " : " ")
                + "[[\(spaced)\(Self.ratingText(value))\(spaced)]]" + (Bool.random(using: &rng) ? "\n" : "")
                + Self.prose(&rng, maxWords: 5)
            let parsed = parser.parse(reply)
            #expect(parsed.raw == reply)
            if (1...10).contains(value) {
                #expect(parsed.score == value && parsed.status == .clean, "\(reply)")
            } else {
                #expect(parsed.status == .unparsed && parsed.reason == .outOfRange && parsed.outOfRangeValue == value)
            }
        }
    }

    @Test func bareAndProseIntegersOnThePercentScale() {
        var rng = SeededGenerator(seed: 2)
        let parser = JudgeReplyParser(format: .rating(.percent))
        for _ in 0..<2000 {
            let value = Int.random(in: -20...140, using: &rng)
            let form = Int.random(in: 0..<4, using: &rng)
            let reply: String
            switch form {
            case 0: reply = "\(value)"
            case 1: reply = "Score: \(value)"
            case 2: reply = "\(value)/100"
            default: reply = "  \(value).\n"
            }
            let parsed = parser.parse(reply)
            if (0...100).contains(value) {
                #expect(parsed.score == Double(value) && parsed.status == .clean, "\(reply)")
            } else {
                #expect(parsed.status == .unparsed && parsed.reason == .outOfRange, "\(reply)")
                #expect(parsed.outOfRangeValue == Double(value))
            }
        }
        for _ in 0..<1000 {
            let value = Int.random(in: 0...100, using: &rng)
            let reply = Self.prose(&rng) + " I would give it \(value) points. " + Self.prose(&rng)
            let parsed = parser.parse(reply)
            #expect(parsed.score == Double(value) && parsed.status == .lenient, "\(reply)")
        }
    }

    @Test func verdictsInDoubleBrackets() {
        var rng = SeededGenerator(seed: 3)
        let parser = JudgeReplyParser(format: .verdict)
        for _ in 0..<2000 {
            let verdict = [PairVerdict.a, .b, .tie].randomElement(using: &rng)!
            let letter = Bool.random(using: &rng) ? verdict.rawValue : verdict.rawValue.lowercased()
            let reply = Self.prose(&rng) + "\nFinal verdict: [[\(letter)]]" + Self.prose(&rng, maxWords: 3)
            let parsed = parser.parse(reply)
            #expect(parsed.verdict == verdict && parsed.status == .clean, "\(reply)")
        }
        for _ in 0..<500 {
            // Two different markers: the last wins, read leniently.
            let first = [PairVerdict.a, .b].randomElement(using: &rng)!
            let last: PairVerdict = first == .a ? .b : .a
            let parsed = parser.parse("[[\(first.rawValue)]] " + Self.prose(&rng) + " [[\(last.rawValue)]]")
            #expect(parsed.verdict == last && parsed.status == .lenient)
        }
    }

    @Test func jsonScoresInAndOutOfFences() {
        var rng = SeededGenerator(seed: 4)
        for _ in 0..<2000 {
            let count = Int.random(in: 1...5, using: &rng)
            let keys = (1...count).map { "Model \($0)" }
            let parser = JudgeReplyParser(format: .scores(keys: keys, scale: .tenPoint))
            var expected: [String: Double] = [:]
            var fields: [String] = []
            for key in keys {
                let value = Double(Int.random(in: 1...10, using: &rng))
                expected[key] = value
                let comment = Self.prose(&rng, maxWords: 6).replacingOccurrences(of: "\"", with: "")
                fields.append(
                    Bool.random(using: &rng)
                        ? "\"\(key)\": {\"score\": \(Int(value)), \"comments\": \"\(comment)\"}"
                        : "\"\(key)\": \(Int(value))")
            }
            let object = "{" + fields.joined(separator: ",\n ") + "}"
            let fenced = Bool.random(using: &rng)
            let reply =
                Self.prose(&rng) + (fenced ? "\n```json\n\(object)\n```\n" : " \(object) ") + Self.prose(&rng)
            let parsed = parser.parse(reply)
            #expect(parsed.scores == expected, "\(reply)")
            #expect(parsed.status == .clean && parsed.missing == nil)
            #expect(parsed.rule == (fenced ? "json-fenced" : "json"))
        }
    }

    @Test func refusalsAndEmptyRepliesAreUnparsedWithTheirReason() {
        var rng = SeededGenerator(seed: 5)
        let refusals = [
            "I'm sorry, but I cannot evaluate this response.", "As an AI, I won't rate answers.",
            "I am unable to evaluate that.", "I apologize, I can't help with grading",
        ]
        for _ in 0..<1000 {
            let reply = refusals.randomElement(using: &rng)! + " " + Self.prose(&rng, maxWords: 8)
            for format in [JudgeReplyFormat.rating(.tenPoint), .verdict, .scores(keys: ["Model 1"], scale: .percent)] {
                let parsed = JudgeReplyParser(format: format).parse(reply)
                #expect(parsed.status == .unparsed && parsed.reason == .refusal && parsed.raw == reply)
            }
        }
        let blank = String(repeating: " \n\t", count: Int.random(in: 0...5, using: &rng))
        #expect(JudgeReplyParser(format: .verdict).parse(blank).reason == .empty)
    }

    /// Random bytes, brackets, braces, digits and fences: never a crash, never a value that is
    /// out of range or not in the asked-for set, the raw reply always kept.
    @Test func arbitraryRepliesNeverCrashAndStayInRange() {
        var rng = SeededGenerator(seed: 6)
        let alphabet = Array("[]{}()\"':,.-+/0123456789 \n\tABCabc`jsonScore: rating[[ ]]}{é漢🙂\\")
        let formats: [JudgeReplyFormat] = [
            .rating(.tenPoint), .rating(.percent), .verdict, .scores(keys: ["Model 1", "Model 2"], scale: .tenPoint),
        ]
        for _ in 0..<3000 {
            let length = Int.random(in: 0...80, using: &rng)
            let reply = String((0..<length).map { _ in alphabet.randomElement(using: &rng)! })
            for format in formats {
                let parsed = JudgeReplyParser(format: format).parse(reply)
                #expect(parsed.raw == reply)
                switch format {
                case .rating(let scale):
                    if let score = parsed.score { #expect(scale.contains(score)) }
                    #expect((parsed.score != nil) == parsed.isParsed)
                case .verdict:
                    #expect((parsed.verdict != nil) == parsed.isParsed)
                case .scores(let keys, let scale):
                    for (key, value) in parsed.scores ?? [:] { #expect(keys.contains(key) && scale.contains(value)) }
                    #expect((parsed.scores != nil) == parsed.isParsed)
                }
                if !parsed.isParsed { #expect(parsed.reason != nil) }
            }
        }
    }
}
