import Foundation
import Testing

@testable import ProctorCore

/// The hand-written request and result writers must give exactly `JSONEncoder`'s bytes: cache
/// keys are hashes of this text, and stores written before the fast path must still hit.
@Suite struct CanonicalJSONTests {
    /// Every ASCII control character, quotes, backslashes, slashes, DEL, and non-ASCII text.
    static let awkward: [String] = [
        "", "plain", "quote \" and backslash \\", "slash / and </script>", "\u{7f}\u{85}\u{2028}\u{2029}",
        "é 😀 中文 \u{FEFF}", String((0..<32).map { Character(UnicodeScalar(UInt8($0))) }), "line\nbreak\ttab\r",
    ]
    static let numbers: [Double] = [
        0, -0.0, 1, 0.7, 1e-5, 1e20, 1e16, 1e15, 123_456_789.123, 0.1 + 0.2, 100, -3.5, 1e-7, .leastNonzeroMagnitude,
        .greatestFiniteMagnitude, 2.5e-3,
    ]

    typealias Generator = SplitMix64

    static func text(_ random: inout Generator) -> String {
        if Bool.random(using: &random) { return awkward.randomElement(using: &random)! }
        let scalars = (0..<Int.random(in: 0..<20, using: &random)).map { _ -> Character in
            let pick = Int.random(in: 0..<10, using: &random)
            let value: UInt32 =
                pick < 2
                ? UInt32.random(in: 0..<0x80, using: &random)
                : pick < 8
                    ? UInt32.random(in: 0x20..<0x7f, using: &random)
                    : UInt32.random(in: 0xA0..<0xD7FF, using: &random)
            return Character(UnicodeScalar(value)!)
        }
        return String(scalars)
    }

    static func number(_ random: inout Generator) -> Double {
        switch Int.random(in: 0..<3, using: &random) {
        case 0: return numbers.randomElement(using: &random)!
        case 1: return Double.random(in: -1e6...1e6, using: &random)
        default:
            // Any finite bit pattern: every exponent, subnormals included.
            let value = Double(bitPattern: random.next())
            return value.isFinite ? value : 0.25
        }
    }

    @Test func requestsMatchJSONEncoder() throws {
        var random = Generator(seed: 42)
        for _ in 0..<3000 {
            let roles: [ChatMessage.Role] = [.system, .user, .assistant]
            let prompt: Prompt =
                Bool.random(using: &random)
                ? .text(Self.text(&random))
                : .chat(
                    (0..<Int.random(in: 0..<4, using: &random)).map { _ in
                        ChatMessage(role: roles.randomElement(using: &random)!, content: Self.text(&random))
                    })
            let settings = GenerationSettings(
                maxTokens: Int.random(in: -5...100_000, using: &random), temperature: Self.number(&random),
                topP: Self.number(&random), topK: Int.random(in: 0...100, using: &random),
                seed: Bool.random(using: &random) ? random.next() : nil,
                stop: (0..<Int.random(in: 0..<3, using: &random)).map { _ in Self.text(&random) })
            let request = GenerationRequest(prompt: prompt, settings: settings)
            #expect(try CanonicalJSON.encode(request) == CanonicalJSON.encodeWithFoundation(request))
        }
    }

    @Test func resultsMatchJSONEncoder() throws {
        var random = Generator(seed: 7)
        for _ in 0..<3000 {
            let result = GenerationResult(
                text: Self.text(&random), finishReason: Bool.random(using: &random) ? .stop : .length,
                promptTokens: Int.random(in: 0...100_000, using: &random),
                completionTokens: Int.random(in: 0...4096, using: &random), promptSeconds: Self.number(&random),
                generationSeconds: Self.number(&random), cachedPromptTokens: Int.random(in: 0...512, using: &random))
            #expect(try CanonicalJSON.encode(result) == CanonicalJSON.encodeWithFoundation(result))
        }
    }

    @Test func genericEntryTakesTheFastPathAndRefusesWhatJSONEncoderRefuses() throws {
        let request = GenerationRequest(prompt: .text("q"), settings: GenerationSettings(temperature: .nan))
        #expect(throws: EncodingError.self) { try CanonicalJSON.encode(request) }
        #expect(throws: EncodingError.self) { try CanonicalJSON.encodeWithFoundation(request) }
        let boxed: [GenerationRequest] = [GenerationRequest(prompt: .text("q"))]
        #expect(try CanonicalJSON.encode(boxed) == CanonicalJSON.encodeWithFoundation(boxed))
        #expect(
            try CanonicalJSON.encode(boxed[0]) == #"{"prompt":{"text":{"_0":"q"}},"settings":{"maxTokens":256,"#
                + #""stop":[],"temperature":0,"topK":0,"topP":1}}"#)
    }
}
