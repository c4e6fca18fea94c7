/// `rouge-score`'s default tokenizer with `use_stemmer=True`.
///
/// Python lowercases the text, replaces every run of characters outside `[a-z0-9]` by a
/// space, splits, stems tokens longer than three characters with NLTK's Porter stemmer, and
/// drops empty tokens. After lowercasing only two non-ASCII characters produce ASCII letters:
/// U+0130 (İ → "i" + U+0307) and U+212A (Kelvin sign → "k"); every other non-ASCII character
/// separates tokens.
struct RougeTokenizer {
    var table = TokenTable()
    /// Raw token id → stemmed token id (-1 until computed).
    private var stemmed: [Int32] = []
    private var stems = TokenTable()
    private var current: [UInt8] = []

    mutating func tokenize(_ text: String, into tokens: inout [Int32]) {
        tokens.removeAll(keepingCapacity: true)
        current.removeAll(keepingCapacity: true)
        var text = text
        text.withUTF8 { scan($0, &tokens) }
    }

    private mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>, _ tokens: inout [Int32]) {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte < 0x80 {
                if (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) {
                    current.append(byte)
                } else if byte >= 0x41 && byte <= 0x5A {
                    current.append(byte | 0x20)
                } else {
                    flush(&tokens)
                }
                index += 1
                continue
            }
            let (scalar, length) = TextScanning.decode(bytes, at: index)
            index += length
            if scalar == 0x130 {
                current.append(0x69)
                flush(&tokens)
            } else if scalar == 0x212A {
                current.append(0x6B)
            } else {
                flush(&tokens)
            }
        }
        flush(&tokens)
    }

    private mutating func flush(_ tokens: inout [Int32]) {
        guard !current.isEmpty else { return }
        let raw = table.intern(current)
        if Int(raw) >= stemmed.count {
            stemmed.append(contentsOf: repeatElement(-1, count: Int(raw) - stemmed.count + 1))
        }
        var id = stemmed[Int(raw)]
        if id < 0 {
            let stem = current.count > 3 ? PorterStemmer.stem(current) : current
            id = stem.isEmpty ? -2 : stems.intern(stem)
            stemmed[Int(raw)] = id
        }
        if id >= 0 { tokens.append(id) }
        current.removeAll(keepingCapacity: true)
    }
}
