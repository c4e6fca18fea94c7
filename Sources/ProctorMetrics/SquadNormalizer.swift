/// SQuAD's answer normalisation (the official v2.0 evaluation script's `normalize_answer`):
/// lowercase, delete ASCII punctuation (`string.punctuation`), replace the words "a", "an" and
/// "the" by a space, and collapse whitespace.
///
/// Lowercasing is Python's `str.lower()`: full Unicode lowercase mappings, with the
/// final-sigma rule for U+03A3. A "word" for the article rule is a maximal run of Python `\w`
/// characters (letters, numbers, underscore).
struct SquadNormalizer {
    var table = TokenTable()
    private var lowered: [UInt8] = []
    private var normalized: [UInt8] = []

    /// The normalised text's tokens (split on whitespace), interned.
    mutating func tokens(_ text: String, into tokens: inout [Int32]) {
        normalize(text)
        TextScanning.splitWhitespace(normalized, into: &table, tokens: &tokens)
    }

    /// The normalised text.
    mutating func normalizedText(_ text: String) -> String {
        var tokens: [Int32] = []
        self.tokens(text, into: &tokens)
        var bytes: [UInt8] = []
        for (index, token) in tokens.enumerated() {
            if index > 0 { bytes.append(0x20) }
            bytes.append(contentsOf: table.bytes(of: token))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always)
    private static func isASCIIPunctuation(_ byte: UInt8) -> Bool {
        (byte >= 0x21 && byte <= 0x2F) || (byte >= 0x3A && byte <= 0x40) || (byte >= 0x5B && byte <= 0x60)
            || (byte >= 0x7B && byte <= 0x7E)
    }

    private mutating func normalize(_ text: String) {
        lowered.removeAll(keepingCapacity: true)
        let scalars = text.unicodeScalars
        var index = scalars.startIndex
        while index != scalars.endIndex {
            let scalar = scalars[index]
            let value = scalar.value
            if value < 0x80 {
                let byte = UInt8(value)
                if !Self.isASCIIPunctuation(byte) { lowered.append(byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) }
            } else if value == 0x3A3 {
                TextScanning.encode(Self.isFinalSigma(scalars, index) ? 0x3C2 : 0x3C3, into: &lowered)
            } else if scalar.properties.changesWhenLowercased {
                for mapped in scalar.properties.lowercaseMapping.unicodeScalars {
                    // A lowercase mapping can yield ASCII (U+0130 → "i" + U+0307, U+212A → "k").
                    if mapped.value < 0x80 && Self.isASCIIPunctuation(UInt8(mapped.value)) { continue }
                    TextScanning.encode(mapped.value, into: &lowered)
                }
            } else {
                TextScanning.encode(value, into: &lowered)
            }
            index = scalars.index(after: index)
        }
        removeArticles()
    }

    /// Python's final-sigma rule: a cased letter before (skipping case-ignorable characters),
    /// and none after.
    private static func isFinalSigma(
        _ scalars: String.UnicodeScalarView, _ index: String.UnicodeScalarView.Index
    )
        -> Bool
    {
        var before = index
        var casedBefore = false
        while before != scalars.startIndex {
            before = scalars.index(before: before)
            let properties = scalars[before].properties
            if properties.isCaseIgnorable { continue }
            casedBefore = properties.isCased
            break
        }
        guard casedBefore else { return false }
        var after = scalars.index(after: index)
        while after != scalars.endIndex {
            let properties = scalars[after].properties
            if !properties.isCaseIgnorable { return !properties.isCased }
            after = scalars.index(after: after)
        }
        return true
    }

    /// Python `\w` for a code point: alphanumeric (letters L*, anything with a numeric type) or `_`.
    @inline(__always)
    private static func isWordCharacter(_ value: UInt32) -> Bool {
        if value < 0x80 {
            return (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A)
                || (value >= 0x30 && value <= 0x39) || value == 0x5F
        }
        guard let scalar = Unicode.Scalar(value) else { return false }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
        default: return properties.numericType != nil
        }
    }

    /// Replaces each whole word "a", "an", "the" with a space (`re.sub(r"\b(a|an|the)\b", " ", text)`).
    private mutating func removeArticles() {
        normalized.removeAll(keepingCapacity: true)
        lowered.withUnsafeBufferPointer { bytes in
            var index = 0
            while index < bytes.count {
                let (scalar, length) = TextScanning.decode(bytes, at: index)
                guard Self.isWordCharacter(scalar) else {
                    normalized.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[index..<index + length]))
                    index += length
                    continue
                }
                let start = index
                while index < bytes.count {
                    let (next, nextLength) = TextScanning.decode(bytes, at: index)
                    if !Self.isWordCharacter(next) { break }
                    index += nextLength
                }
                let word = UnsafeBufferPointer(rebasing: bytes[start..<index])
                if Self.isArticle(word) {
                    normalized.append(0x20)
                } else {
                    normalized.append(contentsOf: word)
                }
            }
        }
    }

    private static func isArticle(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        switch word.count {
        case 1: return word[0] == 0x61
        case 2: return word[0] == 0x61 && word[1] == 0x6E
        case 3: return word[0] == 0x74 && word[1] == 0x68 && word[2] == 0x65
        default: return false
        }
    }
}
