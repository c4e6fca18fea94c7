/// The Porter stemmer as NLTK's `PorterStemmer()` in its default `NLTK_EXTENSIONS` mode, which
/// is what `rouge-score` (0.1.2) uses with `use_stemmer=True`.
///
/// Works on lowercase ASCII bytes (ROUGE tokens are `[a-z0-9]+`). Each step keeps NLTK's rule
/// order and its "first matching suffix decides" behaviour, including the NLTK additions:
/// irregular forms, `ies`/`ied` on four-letter words, the `y → i` consonant rule, `alli`,
/// `fulli`, `logi`, `bli → ble`, and the two-letter `*o` case.
struct PorterStemmer {
    typealias Word = [UInt8]

    private static let irregular: [Word: Word] = {
        let forms: [(String, [String])] = [
            ("sky", ["sky", "skies"]), ("die", ["dying"]), ("lie", ["lying"]), ("tie", ["tying"]),
            ("news", ["news"]), ("inning", ["innings", "inning"]), ("outing", ["outings", "outing"]),
            ("canning", ["cannings", "canning"]), ("howe", ["howe"]), ("proceed", ["proceed"]),
            ("exceed", ["exceed"]), ("succeed", ["succeed"]),
        ]
        var pool: [Word: Word] = [:]
        for (stem, words) in forms { for word in words { pool[Array(word.utf8)] = Array(stem.utf8) } }
        return pool
    }()

    /// The stem of a lowercase ASCII word.
    static func stem(_ input: Word) -> Word {
        if let irregular = irregular[input] { return irregular }
        if input.count <= 2 { return input }
        var word = step1a(input)
        word = step1b(word)
        word = step1c(word)
        word = step2(word)
        word = step3(word)
        word = step4(word)
        word = step5a(word)
        return step5b(word)
    }

    // MARK: Letter classes

    @inline(__always)
    private static func isVowelLetter(_ byte: UInt8) -> Bool {
        byte == 0x61 || byte == 0x65 || byte == 0x69 || byte == 0x6F || byte == 0x75
    }

    /// Consonant flags for `word[0..<length]`: `y` is a consonant at the start or after a vowel.
    private static func isConsonant(_ word: Word, _ index: Int) -> Bool {
        var i = index
        if isVowelLetter(word[i]) { return false }
        if word[i] != 0x79 { return true }
        var negate = false
        while i > 0 && word[i] == 0x79 {
            negate.toggle()
            i -= 1
        }
        return (!isVowelLetter(word[i])) != negate
    }

    /// The measure m of `word[0..<length]`: the number of vowel→consonant transitions.
    private static func measure(_ word: Word, _ length: Int) -> Int {
        var m = 0
        var previousConsonant = true
        var previousWasVowel = false
        for index in 0..<length {
            let byte = word[index]
            let consonant: Bool
            if isVowelLetter(byte) {
                consonant = false
            } else if byte == 0x79 {
                consonant = index == 0 ? true : !previousConsonant
            } else {
                consonant = true
            }
            if consonant && previousWasVowel { m += 1 }
            previousWasVowel = !consonant
            previousConsonant = consonant
        }
        return m
    }

    private static func containsVowel(_ word: Word, _ length: Int) -> Bool {
        var previousConsonant = true
        for index in 0..<length {
            let byte = word[index]
            let consonant: Bool
            if isVowelLetter(byte) {
                consonant = false
            } else if byte == 0x79 {
                consonant = index == 0 ? true : !previousConsonant
            } else {
                consonant = true
            }
            if !consonant { return true }
            previousConsonant = consonant
        }
        return false
    }

    private static func endsDoubleConsonant(_ word: Word) -> Bool {
        let n = word.count
        return n >= 2 && word[n - 1] == word[n - 2] && isConsonant(word, n - 1)
    }

    /// `*o`: ends consonant-vowel-consonant with the last not w, x or y (or, NLTK, is a two-letter vc).
    private static func endsCVC(_ word: Word, _ length: Int) -> Bool {
        if length >= 3 && isConsonant(word, length - 3) && !isConsonant(word, length - 2)
            && isConsonant(word, length - 1)
        {
            let last = word[length - 1]
            if last != 0x77 && last != 0x78 && last != 0x79 { return true }
        }
        return length == 2 && !isConsonant(word, 0) && isConsonant(word, 1)
    }

    private static func endsWith(_ word: Word, _ suffix: Word) -> Bool {
        guard word.count >= suffix.count else { return false }
        let offset = word.count - suffix.count
        for index in 0..<suffix.count where word[offset + index] != suffix[index] { return false }
        return true
    }

    // MARK: Rules

    /// A suffix rule: when the word ends with `suffix`, the stem before it must satisfy `condition`
    /// (length of stem → Bool) to be replaced by `replacement`; either way no later rule runs.
    private struct Rule: Sendable {
        var suffix: Word
        var replacement: Word
        var condition: (@Sendable (Word, Int) -> Bool)?

        init(_ suffix: String, _ replacement: String, _ condition: (@Sendable (Word, Int) -> Bool)?) {
            self.suffix = Array(suffix.utf8)
            self.replacement = Array(replacement.utf8)
            self.condition = condition
        }
    }

    private static func apply(_ word: Word, _ rules: [Rule]) -> Word {
        for rule in rules where endsWith(word, rule.suffix) {
            let stemLength = word.count - rule.suffix.count
            if rule.condition.map({ $0(word, stemLength) }) ?? true {
                return Array(word[0..<stemLength]) + rule.replacement
            }
            return word
        }
        return word
    }

    private static let positive: @Sendable (Word, Int) -> Bool = { measure($0, $1) > 0 }
    private static let greaterThanOne: @Sendable (Word, Int) -> Bool = { measure($0, $1) > 1 }

    private static func step1a(_ word: Word) -> Word {
        if word.count == 4 && endsWith(word, Array("ies".utf8)) { return Array(word[0..<1]) + Array("ie".utf8) }
        return apply(word, step1aRules)
    }

    private static let step1aRules = [
        Rule("sses", "ss", nil), Rule("ies", "i", nil), Rule("ss", "ss", nil), Rule("s", "", nil),
    ]

    private static func step1b(_ word: Word) -> Word {
        if endsWith(word, Array("ied".utf8)) {
            return Array(word[0..<(word.count - 3)]) + Array((word.count == 4 ? "ie" : "i").utf8)
        }
        if endsWith(word, Array("eed".utf8)) {
            return measure(word, word.count - 3) > 0 ? Array(word[0..<(word.count - 1)]) : word
        }
        var stem: Word
        if endsWith(word, Array("ed".utf8)) && containsVowel(word, word.count - 2) {
            stem = Array(word[0..<(word.count - 2)])
        } else if endsWith(word, Array("ing".utf8)) && containsVowel(word, word.count - 3) {
            stem = Array(word[0..<(word.count - 3)])
        } else {
            return word
        }
        for (suffix, replacement) in [("at", "ate"), ("bl", "ble"), ("iz", "ize")]
        where endsWith(stem, Array(suffix.utf8)) {
            return Array(stem[0..<(stem.count - 2)]) + Array(replacement.utf8)
        }
        if endsDoubleConsonant(stem) {
            let last = stem[stem.count - 1]
            if last != 0x6C && last != 0x73 && last != 0x7A { stem.removeLast() }
            return stem
        }
        if measure(stem, stem.count) == 1 && endsCVC(stem, stem.count) { stem.append(0x65) }
        return stem
    }

    private static func step1c(_ word: Word) -> Word {
        guard let last = word.last, last == 0x79 else { return word }
        let stemLength = word.count - 1
        if stemLength > 1 && isConsonant(word, stemLength - 1) {
            var result = word
            result[stemLength] = 0x69
            return result
        }
        return word
    }

    private static let step2Rules: [Rule] = [
        Rule("ational", "ate", positive), Rule("tional", "tion", positive), Rule("enci", "ence", positive),
        Rule("anci", "ance", positive), Rule("izer", "ize", positive), Rule("bli", "ble", positive),
        Rule("alli", "al", positive), Rule("entli", "ent", positive), Rule("eli", "e", positive),
        Rule("ousli", "ous", positive), Rule("ization", "ize", positive), Rule("ation", "ate", positive),
        Rule("ator", "ate", positive), Rule("alism", "al", positive), Rule("iveness", "ive", positive),
        Rule("fulness", "ful", positive), Rule("ousness", "ous", positive), Rule("aliti", "al", positive),
        Rule("iviti", "ive", positive), Rule("biliti", "ble", positive), Rule("fulli", "ful", positive),
        // NLTK: the measure is taken on the word minus "ogi" (the stem keeps its "l").
        Rule("logi", "log", { word, stemLength in measure(word, stemLength + 1) > 0 }),
    ]

    private static func step2(_ word: Word) -> Word {
        if endsWith(word, Array("alli".utf8)) && measure(word, word.count - 4) > 0 {
            return step2(Array(word[0..<(word.count - 4)]) + Array("al".utf8))
        }
        return apply(word, step2Rules)
    }

    private static let step3Rules: [Rule] = [
        Rule("icate", "ic", positive), Rule("ative", "", positive), Rule("alize", "al", positive),
        Rule("iciti", "ic", positive), Rule("ical", "ic", positive), Rule("ful", "", positive),
        Rule("ness", "", positive),
    ]

    private static func step3(_ word: Word) -> Word { apply(word, step3Rules) }

    private static let step4Rules: [Rule] = [
        Rule("al", "", greaterThanOne), Rule("ance", "", greaterThanOne), Rule("ence", "", greaterThanOne),
        Rule("er", "", greaterThanOne), Rule("ic", "", greaterThanOne), Rule("able", "", greaterThanOne),
        Rule("ible", "", greaterThanOne), Rule("ant", "", greaterThanOne), Rule("ement", "", greaterThanOne),
        Rule("ment", "", greaterThanOne), Rule("ent", "", greaterThanOne),
        Rule(
            "ion", "",
            { word, stemLength in
                measure(word, stemLength) > 1 && (word[stemLength - 1] == 0x73 || word[stemLength - 1] == 0x74)
            }),
        Rule("ou", "", greaterThanOne), Rule("ism", "", greaterThanOne), Rule("ate", "", greaterThanOne),
        Rule("iti", "", greaterThanOne), Rule("ous", "", greaterThanOne), Rule("ive", "", greaterThanOne),
        Rule("ize", "", greaterThanOne),
    ]

    private static func step4(_ word: Word) -> Word { apply(word, step4Rules) }

    private static func step5a(_ word: Word) -> Word {
        guard word.last == 0x65 else { return word }
        let stemLength = word.count - 1
        let m = measure(word, stemLength)
        if m > 1 || (m == 1 && !endsCVC(word, stemLength)) { return Array(word[0..<stemLength]) }
        return word
    }

    private static func step5b(_ word: Word) -> Word {
        if endsWith(word, Array("ll".utf8)) && measure(word, word.count - 1) > 1 { return Array(word.dropLast()) }
        return word
    }
}
