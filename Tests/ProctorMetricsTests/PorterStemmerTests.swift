import Testing

@testable import ProctorMetrics

/// Stems from NLTK 3.10.4's `PorterStemmer()` (NLTK_EXTENSIONS), printed by
/// `scripts/parity/metrics_reference.py fixtures`.
@Suite("Porter stemmer (NLTK extensions)")
struct PorterStemmerTests {
    static let expected: [String: String] = [
        "caresses": "caress", "ponies": "poni", "ties": "tie", "agreed": "agre", "feed": "feed",
        "plastered": "plaster", "motoring": "motor", "sing": "sing", "conflated": "conflat", "troubled": "troubl",
        "sized": "size", "hopping": "hop", "falling": "fall", "hissing": "hiss", "failing": "fail", "filing": "file",
        "happy": "happi", "sky": "sky", "skies": "sky", "dying": "die", "relational": "relat",
        "conditional": "condit", "valenci": "valenc", "digitizer": "digit", "radically": "radic",
        "analogousli": "analog", "vietnamization": "vietnam", "predication": "predic", "operator": "oper",
        "feudalism": "feudal", "decisiveness": "decis", "hopefulness": "hope", "formaliti": "formal",
        "sensibiliti": "sensibl", "triplicate": "triplic", "formative": "form", "electrical": "electr",
        "hopeful": "hope", "goodness": "good", "revival": "reviv", "allowance": "allow", "inference": "infer",
        "airliner": "airlin", "adjustable": "adjust", "defensible": "defens", "irritant": "irrit",
        "replacement": "replac", "adjustment": "adjust", "dependent": "depend", "adoption": "adopt",
        "homologou": "homolog", "communism": "commun", "activate": "activ", "angulariti": "angular",
        "homologous": "homolog", "effective": "effect", "bowdlerize": "bowdler", "probate": "probat",
        "rate": "rate", "cease": "ceas", "controll": "control", "roll": "roll", "generously": "gener",
        "archaeology": "archaeolog", "enjoy": "enjoy", "fully": "fulli", "yyyy": "yyyi", "syzygy": "syzygi",
        "succeeding": "succeed", "news": "news",
    ]

    @Test(arguments: expected.keys.sorted())
    func stem(_ word: String) {
        let stem = String(decoding: PorterStemmer.stem(Array(word.utf8)), as: UTF8.self)
        #expect(stem == Self.expected[word])
    }
}
