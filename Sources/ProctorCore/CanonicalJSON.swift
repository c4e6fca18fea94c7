import Foundation

/// Canonical JSON (sorted keys, slashes unescaped) for values stored as text and hashed into
/// cache keys.
///
/// Requests and results, written once or twice per model call, take a hand-written path that
/// produces exactly the bytes `JSONEncoder` would (a test compares both on random values) at a
/// fraction of the cost; everything else goes through `JSONEncoder`.
public enum CanonicalJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        if let request = value as? GenerationRequest { return try encode(request) }
        if let result = value as? GenerationResult { return try encode(result) }
        return try encodeWithFoundation(value)
    }

    /// The general path, also the reference for the fast ones.
    public static func encodeWithFoundation<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public static func encode(_ request: GenerationRequest) throws -> String {
        var out = JSONText(capacity: 256)
        out.raw("{\"prompt\":{")
        switch request.prompt {
        case .chat(let messages):
            out.raw("\"chat\":{\"_0\":[")
            for (index, message) in messages.enumerated() {
                if index > 0 { out.raw(",") }
                out.raw("{\"content\":")
                out.string(message.content)
                out.raw(",\"role\":")
                out.string(message.role.rawValue)
                out.raw("}")
            }
            out.raw("]}")
        case .text(let text):
            out.raw("\"text\":{\"_0\":")
            out.string(text)
            out.raw("}")
        }
        let settings = request.settings
        out.raw("},\"settings\":{\"maxTokens\":")
        out.integer(settings.maxTokens)
        if let seed = settings.seed {
            out.raw(",\"seed\":")
            out.integer(seed)
        }
        out.raw(",\"stop\":[")
        for (index, stop) in settings.stop.enumerated() {
            if index > 0 { out.raw(",") }
            out.string(stop)
        }
        out.raw("],\"temperature\":")
        try out.number(settings.temperature)
        out.raw(",\"topK\":")
        out.integer(settings.topK)
        out.raw(",\"topP\":")
        try out.number(settings.topP)
        out.raw("}}")
        return out.text
    }

    public static func encode(_ result: GenerationResult) throws -> String {
        var out = JSONText(capacity: 160 + result.text.utf8.count)
        out.raw("{\"cachedPromptTokens\":")
        out.integer(result.cachedPromptTokens)
        out.raw(",\"completionTokens\":")
        out.integer(result.completionTokens)
        out.raw(",\"finishReason\":")
        out.string(result.finishReason.rawValue)
        out.raw(",\"generationSeconds\":")
        try out.number(result.generationSeconds)
        out.raw(",\"promptSeconds\":")
        try out.number(result.promptSeconds)
        out.raw(",\"promptTokens\":")
        out.integer(result.promptTokens)
        out.raw(",\"text\":")
        out.string(result.text)
        out.raw("}")
        return out.text
    }
}

/// UTF-8 JSON text written the way `JSONEncoder` writes it.
struct JSONText {
    private var bytes: [UInt8] = []

    init(capacity: Int) { bytes.reserveCapacity(capacity) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func integer<I: BinaryInteger>(_ value: I) { bytes.append(contentsOf: String(value).utf8) }

    /// Shortest round-trip digits, without a trailing ".0"; non-finite values are refused, as
    /// `JSONEncoder` refuses them.
    mutating func number(_ value: Double) throws {
        guard value.isFinite else {
            throw EncodingError.invalidValue(
                value, EncodingError.Context(codingPath: [], debugDescription: "\(value) is not valid in JSON"))
        }
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// Quotes and escapes: `"` and `\`, the short forms \b \t \n \f \r, `\u00XX` for the other
    /// control characters; everything else (slashes, DEL, non-ASCII) is copied.
    mutating func string(_ value: String) {
        bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                bytes.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(byte)
                case 0x08: bytes.append(UInt8(ascii: "b"))
                case 0x09: bytes.append(UInt8(ascii: "t"))
                case 0x0A: bytes.append(UInt8(ascii: "n"))
                case 0x0C: bytes.append(UInt8(ascii: "f"))
                case 0x0D: bytes.append(UInt8(ascii: "r"))
                default:
                    bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                    bytes.append(Self.hex[Int(byte >> 4)])
                    bytes.append(Self.hex[Int(byte & 15)])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<utf8.count]))
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
