import ProctorCore
import Testing

@testable import ProctorMetrics

/// Expected numbers from scikit-learn 1.9.1's `classification_report(..., output_dict=True)`.
@Suite("Classification report")
struct ClassificationTests {
    @Test func matchesScikitLearn() throws {
        let truth = ["cat", "dog", "cat", "bird", "dog", "cat"]
        let predicted = ["cat", "cat", "cat", "dog", "dog", "fish"]
        let report = try ClassificationMetric().evaluate(predictions: predicted, references: truth)
        #expect(report.value("accuracy") == 0.5)
        #expect(abs(report.value("macro_precision")! - 0.29166666666666663) < 1e-12)
        #expect(abs(report.value("macro_f1")! - 0.29166666666666663) < 1e-12)
        #expect(report.value("weighted_recall") == 0.5)
        #expect(abs(report.value("class[cat].precision")! - 0.6666666666666666) < 1e-12)
        // A label only ever predicted: support 0, precision 0 (zero_division default).
        #expect(report.value("class[fish].support") == 0)
        #expect(report.value("class[fish].precision") == 0)
        #expect(report.value("class[bird].recall") == 0)
        let matrix = try #require(report.matrices.first)
        #expect(matrix.labels == ["bird", "cat", "dog", "fish"])
        #expect(matrix.counts == [[0, 0, 1, 0], [0, 2, 0, 1], [0, 1, 1, 0], [0, 0, 0, 0]])
        #expect(report.items.map { $0[0] } == [1, 0, 1, 0, 1, 0])
    }

    @Test func labelsAreTrimmedAndSortedByCodePoint() throws {
        let report = try ClassificationMetric().evaluate(predictions: [" b ", "B", "é"], references: ["b", "a", "é"])
        #expect(report.matrices[0].labels == ["B", "a", "b", "é"])
        #expect(report.value("accuracy")! == 2.0 / 3.0)
    }

    @Test func emptyCorpus() throws {
        let report = try ClassificationMetric().evaluate(predictions: [], references: [])
        #expect(report.value("accuracy") == 0)
        #expect(report.matrices[0].labels.isEmpty)
    }
}
