import ProctorCore
import Testing

@testable import ProctorMetrics

/// Expected values computed with the reference Python packages by
/// `scripts/parity/metrics_reference.py fixtures` (rouge-score 0.1.2, sacrebleu 2.6.0, nltk 3.10.4,
/// scikit-learn 1.9.1): rerun it to regenerate.
struct ReferenceCase: Sendable, CustomTestStringConvertible {
    var prediction: String
    var reference: String
    /// exact match, F1, rouge1 p/r/f, rouge2 p/r/f, rougeL p/r/f, sacrebleu sentence, nltk, chrF.
    var expected: [Double]
    var testDescription: String { "\(prediction.debugDescription) vs \(reference.debugDescription)" }
}

let referenceCases: [ReferenceCase] = [
    ReferenceCase(
        prediction: "The cat sat on the mat.", reference: "A cat was sitting on the mat!",
        expected: [
            0.0, 0.6666666666666665, 0.6666666666666666, 0.5714285714285714, 0.6153846153846153, 0.4,
            0.3333333333333333, 0.3636363636363636, 0.6666666666666666, 0.5714285714285714, 0.6153846153846153,
            22.772101321113862, 0.0808764862779457, 34.61614341910809,
        ]),
    ReferenceCase(
        prediction: "Hello, world", reference: "hello world",
        expected: [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 27.516060407455225, 0.1495348781221221, 47.18447798311147]),
    ReferenceCase(
        prediction: "", reference: "something", expected: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ReferenceCase(prediction: "", reference: "", expected: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]),
    ReferenceCase(
        prediction: "!!! ... ???", reference: "?!",
        expected: [1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5.669791110976001, 0, 29.411764705882355]),
    ReferenceCase(
        prediction: "word", reference: "word",
        expected: [1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 100.00000000000004, 0.1778279410038923, 100]),
    ReferenceCase(
        prediction: "Café naïve résumé — déjà vu 東京", reference: "cafe naive resume, deja vu 東京",
        expected: [
            0, 0.30769230769230765, 0.125, 0.2, 0.15384615384615385, 0, 0, 0, 0.125, 0.2, 0.15384615384615385,
            13.134549472120788, 0.06985342056580097, 21.45680406549972,
        ]),
    ReferenceCase(
        prediction: "The running runners ran happily to the generational relational conditional.",
        reference: "Runners were running happily; relations are generational.",
        expected: [
            0, 0.5333333333333333, 0.5, 0.7142857142857143, 0.588235294117647, 0, 0, 0, 0.3, 0.42857142857142855,
            0.3529411764705882, 5.300156689756295, 0.021105340631872645, 59.66429534023872,
        ]),
    ReferenceCase(
        prediction: "Costs rose 3.5% in 2023-24, i.e. $1,200 &amp; more.",
        reference: "Costs rose 3.5 % in 2023 - 24, i.e. $1,200 & more.",
        expected: [
            0, 0.7777777777777778, 0.9230769230769231, 1, 0.9600000000000001, 0.8333333333333334,
            0.9090909090909091, 0.8695652173913043, 0.9230769230769231, 1, 0.9600000000000001,
            100.00000000000004, 0.05687023691836668, 90.92412873260226,
        ]),
]

private func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 }

@Suite("Reference metrics match the Python packages")
struct ReferenceFixtureTests {
    let metrics: [any Metric] = [
        ExactMatchMetric(), TokenF1Metric(), RougeMetric(.rouge1), RougeMetric(.rouge2), RougeMetric(.rougeL),
        SacreBLEUMetric(), NLTKBLEUMetric(), ChrFMetric(),
    ]

    @Test(arguments: referenceCases)
    func perItemValues(_ example: ReferenceCase) throws {
        var values: [Double] = []
        for metric in metrics {
            values += try metric.score(prediction: example.prediction, reference: example.reference)
        }
        #expect(values.count == example.expected.count)
        for (index, pair) in zip(values, example.expected).enumerated() {
            #expect(close(pair.0, pair.1), "value \(index): got \(pair.0), expected \(pair.1)")
        }
    }

    @Test func corpusBLEUAndChrFSumStatistics() throws {
        let predictions = referenceCases.map(\.prediction)
        let references = referenceCases.map(\.reference)
        let bleu = try SacreBLEUMetric().evaluate(predictions: predictions, references: references)
        #expect(close(bleu.value("bleu")!, 43.971012591403834))
        let chrf = try ChrFMetric().evaluate(predictions: predictions, references: references)
        #expect(close(chrf.value("chrf")!, 56.06650439397535))
    }

    @Test func referencesAreRequiredAndAligned() {
        #expect(throws: ProctorError.invalidArgument) {
            try RougeMetric(.rougeL).evaluate(predictions: ["a"], references: nil)
        }
        #expect(throws: ProctorError.invalidArgument) {
            try ChrFMetric().evaluate(predictions: ["a", "b"], references: ["a"])
        }
    }

    @Test func squadNormalisationDropsArticlesPunctuationAndCase() {
        var normalizer = SquadNormalizer()
        #expect(normalizer.normalizedText("The  Quick, brown fox (an animal)!") == "quick brown fox animal")
        #expect(normalizer.normalizedText("theory anthem a.b") == "theory anthem ab")
        #expect(normalizer.normalizedText("ΟΔΟΣ Σ") == "οδος σ")
        #expect(normalizer.normalizedText("İstanbul") == "i̇stanbul")
    }

    @Test func thirteenATokenizerFollowsSacrebleu() {
        var tokenizer = Tokenizer13a()
        var tokens: [Int32] = []
        tokenizer.tokenize("Hello, world. 3.5 a-b 1-2 &lt;x&gt; end-\nline<skipped> \u{00A0}", into: &tokens)
        let text = tokens.map { String(decoding: tokenizer.table.bytes(of: $0), as: UTF8.self) }
        #expect(text == ["Hello", ",", "world", ".", "3.5", "a-b", "1", "-", "2", "<", "x", ">", "endline"])
    }

    @Test func rougeTokensKeepOnlyASCIIAlphanumerics() {
        var tokenizer = RougeTokenizer()
        var tokens: [Int32] = []
        tokenizer.tokenize("Running résumé 42x", into: &tokens)
        // "running" → "run"; "résumé" splits on each "é" into "r" and "sum"; "42x" stays.
        #expect(tokens.count == 4)
        #expect(tokens[1] != tokens[2])
    }
}
