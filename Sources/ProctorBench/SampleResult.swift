import Foundation
import ProctorCore

/// The scored outcome of one document: what was asked, what came back, and its metrics.
public struct SampleResult: Sendable, Hashable {
    public var task: String
    public var docID: Int
    /// The full context (few-shot block and prompt).
    public var prompt: String
    /// The gold answer as text.
    public var target: String
    public var request: BenchRequest
    /// Multiple choice: the choices' loglikelihoods and greedy flags, in choice order.
    public var loglikelihoods: [Double] = []
    public var isGreedy: [Bool] = []
    /// Generation: the model's text after cutting at the stop sequences.
    public var response: String?
    /// Extracted answers by filter name (`strict-match`, `flexible-extract`, or `none`).
    public var filteredResponses: [(String, String)] = []
    /// The chosen choice (multiple choice), the first filter's answer (generation), or empty.
    public var prediction: String = ""
    /// Metric values by key: the metric name for the `none` filter (`acc`, `acc_norm`), and
    /// `metric,filter` otherwise (`exact_match,strict-match`), matching the results file
    /// keys without `,none`.
    public var metrics: [(String, Double)] = []
    /// Rolling loglikelihood tasks: the text's loglikelihood, words and UTF-8 bytes, which
    /// the corpus-level perplexities are computed from.
    public var rolling: RollingCounts?

    public struct RollingCounts: Sendable, Hashable {
        public var loglikelihood: Double
        public var words: Int
        public var bytes: Int
    }

    public static func == (lhs: SampleResult, rhs: SampleResult) -> Bool {
        lhs.task == rhs.task && lhs.docID == rhs.docID && lhs.prompt == rhs.prompt && lhs.target == rhs.target
            && lhs.request == rhs.request && lhs.loglikelihoods == rhs.loglikelihoods && lhs.isGreedy == rhs.isGreedy
            && lhs.response == rhs.response && lhs.prediction == rhs.prediction
            && lhs.filteredResponses.elementsEqual(rhs.filteredResponses, by: { $0 == $1 })
            && lhs.metrics.elementsEqual(rhs.metrics, by: { $0 == $1 }) && lhs.rolling == rhs.rolling
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(task)
        hasher.combine(docID)
        hasher.combine(prompt)
    }

    /// A metric's value by key.
    public func metric(_ key: String) -> Double? { metrics.first { $0.0 == key }?.1 }
}

extension BenchTask {
    /// Scores one instance from the model's response.
    public func score(_ instance: BenchInstance, response: BenchResponse) throws -> SampleResult {
        guard let document = document(for: instance) else {
            throw ProctorError.invalidArgument("no document \(instance.docID) in task '\(name)'", field: "doc_id")
        }
        var sample = SampleResult(
            task: name, docID: document.docID, prompt: instance.context, target: document.target,
            request: instance.request)
        switch (definition.outputType, response) {
        case (.multipleChoice, .loglikelihood(let results)):
            guard results.count == document.choices.count else {
                throw ProctorError.invalidArgument(
                    "task '\(name)' document \(document.docID): \(results.count) loglikelihoods for \(document.choices.count) choices",
                    field: "loglikelihoods")
            }
            scoreMultipleChoice(&sample, document: document, results: results)
        case (.loglikelihood, .loglikelihood(let results)):
            guard let result = results.first else {
                throw ProctorError.invalidArgument("task '\(name)': no loglikelihood result", field: "loglikelihoods")
            }
            sample.loglikelihoods = [result.logprob]
            sample.isGreedy = [result.isGreedy]
            for metric in definition.metrics {
                sample.metrics.append((metric.name, metric.name == "acc" ? (result.isGreedy ? 1 : 0) : result.logprob))
            }
        case (.generateUntil, .generation(let text)):
            scoreGeneration(&sample, document: document, text: text)
        case (.loglikelihoodRolling, .rolling(let result)):
            let counts = SampleResult.RollingCounts(
                loglikelihood: result.logprob, words: Self.countWords(document.target),
                bytes: document.target.utf8.count)
            sample.rolling = counts
            sample.loglikelihoods = [result.logprob]
            for metric in definition.metrics {
                sample.metrics.append((metric.name, Self.rollingMetric(metric.name, [counts])))
            }
        default:
            throw ProctorError.invalidArgument(
                "task '\(name)' (\(definition.outputType.rawValue)) got a response of the wrong kind", field: "response"
            )
        }
        return sample
    }

    private func scoreMultipleChoice(
        _ sample: inout SampleResult, document: BenchDocument, results: [LoglikelihoodResult]
    ) {
        let lls = results.map(\.logprob)
        sample.loglikelihoods = lls
        sample.isGreedy = results.map(\.isGreedy)
        let predicted = Self.argmax(lls)
        sample.prediction = document.choices[predicted]
        sample.filteredResponses = [("none", sample.prediction)]
        let gold = Set(document.goldIndices)
        for metric in definition.metrics {
            let value: Double
            switch (metric.name, definition.resultProcessor) {
            case ("acc", .mc2?):
                value = Self.mc2(lls, labels: document.labels ?? [])
            case ("acc", _):
                value = gold.contains(predicted) ? 1 : 0
            case ("acc_norm", _):
                let lengths = document.choices.map { Double($0.unicodeScalars.count) }
                value = gold.contains(Self.argmax(zip(lls, lengths).map { $0 / $1 })) ? 1 : 0
            case ("acc_bytes", _):
                let lengths = document.choices.map { Double($0.utf8.count) }
                value = gold.contains(Self.argmax(zip(lls, lengths).map { $0 / $1 })) ? 1 : 0
            case ("exact_match", _):
                value = document.goldIndices.contains { results[$0].isGreedy } ? 1 : 0
            default:
                continue
            }
            sample.metrics.append((metric.name, value))
        }
    }

    private func scoreGeneration(_ sample: inout SampleResult, document: BenchDocument, text: String) {
        let response = AnswerExtractor.truncate(text, at: definition.generation.until)
        sample.response = response
        if definition.filters.isEmpty {
            sample.filteredResponses = [("none", response)]
        } else {
            sample.filteredResponses = definition.filters.map {
                ($0.name, AnswerExtractor.extract(response, filter: $0))
            }
        }
        sample.prediction = sample.filteredResponses.first?.1 ?? response
        for (filterName, answer) in sample.filteredResponses {
            for metric in definition.metrics where metric.name == "exact_match" {
                let key = filterName == "none" ? metric.name : "\(metric.name),\(filterName)"
                sample.metrics.append(
                    (key, AnswerExtractor.exactMatch(prediction: answer, reference: document.target, metric: metric)))
            }
        }
    }

    /// NumPy's `argmax`: the first index of the largest value.
    static func argmax(_ values: [Double]) -> Int {
        var best = 0
        for (index, value) in values.enumerated() where value > values[best] {
            best = index
        }
        return best
    }

    /// TruthfulQA MC2 as lm-eval computes it: labels are split at the first 0 (everything
    /// before it is true); the score is the true answers' share of the total probability.
    public static func mc2(_ lls: [Double], labels: [Int]) -> Double {
        let split = labels.firstIndex(of: 0) ?? labels.count
        // Subtract the maximum first: the ratio is unchanged and exp does not underflow.
        let top = lls.max() ?? 0
        let probabilities = lls.map { Foundation.exp($0 - top) }
        let total = probabilities.reduce(0, +)
        guard total > 0 else { return 0 }
        return probabilities.prefix(split).reduce(0, +) / total
    }

    /// lm-eval's `count_words`: `len(re.split(r"\s+", text))`.
    public static func countWords(_ text: String) -> Int {
        var count = 1
        var inSpace = false
        for scalar in text.unicodeScalars {
            let isSpace = scalar.properties.isWhitespace
            if isSpace && !inSpace { count += 1 }
            inSpace = isSpace
        }
        return count
    }

    /// Corpus-level perplexity metrics from rolling loglikelihoods (lm-eval's
    /// `weighted_perplexity` and `bits_per_byte`).
    public static func rollingMetric(_ name: String, _ items: [SampleResult.RollingCounts]) -> Double {
        let loglikelihood = items.reduce(0) { $0 + $1.loglikelihood }
        switch name {
        case "word_perplexity": return Foundation.exp(-loglikelihood / Double(items.reduce(0) { $0 + $1.words }))
        case "byte_perplexity": return Foundation.exp(-loglikelihood / Double(items.reduce(0) { $0 + $1.bytes }))
        case "bits_per_byte": return -loglikelihood / Double(items.reduce(0) { $0 + $1.bytes }) / Foundation.log(2.0)
        default: return .nan
        }
    }
}
