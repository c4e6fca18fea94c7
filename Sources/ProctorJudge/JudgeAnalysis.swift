import Foundation
import ProctorCore

/// One model's grade: the mean over items (an item is a question and turn; its value is the
/// mean of its repeats), with a t interval over item means, which therefore includes the
/// judge's noise as well as the spread of the items.
public struct ModelScore: Sendable, Hashable, Codable {
    public var model: String
    public var mean: Double?
    public var lower: Double?
    public var upper: Double?
    /// Items with at least one parsed score, and all items.
    public var scored: Int
    public var items: Int
    /// Grades (item x repeat) that could not be read, and that failed outright.
    public var unparsed: Int
    public var failed: Int
    /// Mean per turn (turn 1 at index 0).
    public var turnMeans: [Double?]
}

/// How much of the score variance is the judge's own noise, from repeated judging of the
/// same items (one-way random-effects variance components).
public struct NoiseReport: Sendable, Hashable, Codable {
    /// Items with at least two parsed repeats.
    public var items: Int
    public var repeats: Int
    /// Pooled within-item variance: the judge's noise.
    public var withinVariance: Double
    /// Variance of the true item scores (method of moments, floored at 0).
    public var betweenVariance: Double
    /// within / (within + between).
    public var noiseShare: Double
    /// Mean over items of the standard deviation, and of the range (max - min), of repeats.
    public var meanItemSD: Double
    public var meanItemRange: Double
    public var maxItemRange: Double

    /// Variance components from per-item lists of repeated scores.
    public static func estimate(_ groups: [[Double]]) -> NoiseReport? {
        let usable = groups.filter { $0.count >= 2 }
        guard usable.count >= 2 else { return nil }
        var withinSum = 0.0
        var withinDF = 0
        var sds: [Double] = []
        var ranges: [Double] = []
        var means: [Double] = []
        for group in usable {
            let mean = group.reduce(0, +) / Double(group.count)
            let squares = group.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            withinSum += squares
            withinDF += group.count - 1
            sds.append((squares / Double(group.count - 1)).squareRoot())
            ranges.append((group.max() ?? 0) - (group.min() ?? 0))
            means.append(mean)
        }
        let within = withinSum / Double(withinDF)
        let grand = means.reduce(0, +) / Double(means.count)
        let varianceOfMeans = means.reduce(0) { $0 + ($1 - grand) * ($1 - grand) } / Double(means.count - 1)
        // E[var of item means] = between + within / k, with k the harmonic mean of repeat counts.
        let harmonic = Double(usable.count) / usable.reduce(0) { $0 + 1 / Double($1.count) }
        let between = max(0, varianceOfMeans - within / harmonic)
        let total = within + between
        return NoiseReport(
            items: usable.count, repeats: Int(harmonic.rounded()), withinVariance: within, betweenVariance: between,
            noiseShare: total > 0 ? within / total : 0, meanItemSD: sds.reduce(0, +) / Double(sds.count),
            meanItemRange: ranges.reduce(0, +) / Double(ranges.count), maxItemRange: ranges.max() ?? 0)
    }
}

/// Per-model scores, noise and length bias of score-based modes (single, batch, rubric).
public enum ScoreAnalysis {
    public static func itemKey(_ record: ScoreRecord) -> String { "\(record.questionID)#\(record.turn)" }

    public static func modelScores(_ results: JudgeResults) -> [ModelScore] {
        results.models.map { model in
            let mine = results.scores.filter { $0.model == model }
            let byItem = Dictionary(grouping: mine, by: itemKey)
            var itemMeans: [Double] = []
            var turnValues: [Int: [Double]] = [:]
            for (_, records) in byItem {
                let values = records.compactMap(\.score)
                guard !values.isEmpty else { continue }
                let mean = values.reduce(0, +) / Double(values.count)
                itemMeans.append(mean)
                turnValues[records[0].turn, default: []].append(mean)
            }
            let estimate = MeanEstimate(itemMeans)
            let maxTurn = turnValues.keys.max() ?? 1
            return ModelScore(
                model: model, mean: estimate?.mean, lower: estimate.map { $0.count > 1 ? $0.lower : .nan },
                upper: estimate.map { $0.count > 1 ? $0.upper : .nan }, scored: itemMeans.count, items: byItem.count,
                unparsed: mine.filter { $0.score == nil && $0.error == nil }.count,
                failed: mine.filter { $0.error != nil }.count,
                turnMeans: (1...maxTurn).map { turn in
                    turnValues[turn].map { $0.reduce(0, +) / Double($0.count) }
                })
        }
    }

    /// Judge noise across every (model, question, turn) judged more than once.
    public static func noise(_ results: JudgeResults) -> NoiseReport? {
        guard results.repeats > 1 else { return nil }
        let groups = Dictionary(grouping: results.scores) { "\($0.model)\u{0}\(itemKey($0))" }
        return NoiseReport.estimate(groups.values.map { $0.compactMap(\.score) })
    }

    /// Correlation of score with answer length (characters), over all parsed grades.
    public static func lengthCorrelation(
        _ results: JudgeResults
    ) -> (
        pearson: CorrelationEstimate, spearman: CorrelationEstimate
    )? {
        let scored = results.scores.filter { $0.score != nil }
        let lengths = scored.map { Double($0.answerLength) }
        guard scored.count >= 3, Set(lengths).count > 1 else { return nil }
        let scores = scored.map { $0.score! }
        return (Correlation.pearson(lengths, scores), Correlation.spearman(lengths, scores))
    }

    /// Batch mode: the mean of (score - that model's mean score) for answers shown at each
    /// position; a judge without position bias has shifts near 0 everywhere.
    public static func positionShift(_ results: JudgeResults) -> [(position: Int, shift: Double, count: Int)] {
        var modelMeans: [String: Double] = [:]
        for model in results.models {
            let values = results.scores.filter { $0.model == model }.compactMap(\.score)
            if !values.isEmpty { modelMeans[model] = values.reduce(0, +) / Double(values.count) }
        }
        var byPosition: [Int: [Double]] = [:]
        for record in results.scores {
            guard let position = record.position, let score = record.score, let mean = modelMeans[record.model] else {
                continue
            }
            byPosition[position, default: []].append(score - mean)
        }
        return byPosition.keys.sorted().map { position in
            let values = byPosition[position]!
            return (position, values.reduce(0, +) / Double(values.count), values.count)
        }
    }
}
