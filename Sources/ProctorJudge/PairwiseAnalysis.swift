import Foundation
import ProctorCore

/// One model's pairwise record against one opponent (or against all, for `opponent == "*"`).
public struct WinRate: Sendable, Hashable, Codable {
    public var model: String
    public var opponent: String
    public var wins: Int
    public var ties: Int
    public var losses: Int
    /// (wins + ties/2) / judged.
    public var winRate: Double
    public var lower: Double
    public var upper: Double
    /// The win rate at zero length difference (logistic fit of points on length difference);
    /// nil when the lengths do not vary or the fit fails.
    public var lengthControlled: Double?
    /// Change in log-odds of winning per standard deviation of length difference.
    public var lengthSlope: Double?

    public var judged: Int { wins + ties + losses }
}

/// Agreement of the two orders, and which position the judge prefers.
public struct PositionBias: Sendable, Hashable, Codable {
    public var pairs: Int
    public var consistent: Int
    /// Pairs whose two orders gave different verdicts (one unparsed order included).
    public var inconsistent: Int
    /// Pairs with no verdict in either order.
    public var unjudged: Int
    /// inconsistent / (pairs - unjudged).
    public var flipShare: Double
    /// Of single-order verdicts that named a winner, the share that named the first answer.
    public var firstPositionShare: Double
    public var decisiveVerdicts: Int
}

public enum PairwiseAnalysis {
    public static func positionBias(_ pairs: [PairRecord]) -> PositionBias {
        let judged = pairs.filter { !$0.isUnjudged }
        var first = 0
        var decisive = 0
        for pair in pairs {
            // g1 shows model 1 first; g2 shows model 2 first.
            if let winner = pair.g1Winner, winner != .tie {
                decisive += 1
                if winner == .model1 { first += 1 }
            }
            if let winner = pair.g2Winner, winner != .tie {
                decisive += 1
                if winner == .model2 { first += 1 }
            }
        }
        let inconsistent = judged.filter(\.isInconsistent).count
        return PositionBias(
            pairs: pairs.count, consistent: judged.filter(\.isConsistent).count, inconsistent: inconsistent,
            unjudged: pairs.count - judged.count,
            flipShare: judged.isEmpty ? .nan : Double(inconsistent) / Double(judged.count),
            firstPositionShare: decisive == 0 ? .nan : Double(first) / Double(decisive), decisiveVerdicts: decisive)
    }

    /// Win rates of every model against each opponent it met, and against all of them ("*").
    public static func winRates(_ pairs: [PairRecord], models: [String]) -> [WinRate] {
        var outcomes: [String: [String: [(points: Double, lengthDiff: Double)]]] = [:]
        for pair in pairs {
            guard let points = pair.model1Points else { continue }
            let diff = Double(pair.length1 - pair.length2)
            outcomes[pair.model1, default: [:]][pair.model2, default: []].append((points, diff))
            outcomes[pair.model2, default: [:]][pair.model1, default: []].append((1 - points, -diff))
        }
        var rates: [WinRate] = []
        for model in models {
            guard let opponents = outcomes[model] else { continue }
            let names = opponents.keys.sorted { models.firstIndex(of: $0) ?? 0 < models.firstIndex(of: $1) ?? 0 }
            for opponent in names { rates.append(rate(model, opponent, opponents[opponent]!)) }
            if names.count > 1 { rates.append(rate(model, "*", names.flatMap { opponents[$0]! })) }
        }
        return rates
    }

    static func rate(_ model: String, _ opponent: String, _ outcomes: [(points: Double, lengthDiff: Double)]) -> WinRate
    {
        let points = outcomes.map(\.points)
        let wins = points.filter { $0 == 1 }.count
        let losses = points.filter { $0 == 0 }.count
        let estimate = MeanEstimate(points)
        let fit = LogisticFit.fit(x: outcomes.map(\.lengthDiff), y: points)
        return WinRate(
            model: model, opponent: opponent, wins: wins, ties: points.count - wins - losses, losses: losses,
            winRate: estimate?.mean ?? .nan, lower: max(0, estimate?.lower ?? .nan),
            upper: min(1, estimate?.upper ?? .nan), lengthControlled: fit.map { LogisticFit.sigmoid($0.intercept) },
            lengthSlope: fit?.slope)
    }
}

/// Logistic regression of an outcome in [0, 1] (ties as 0.5) on one standardised predictor,
/// by Newton-Raphson on the binomial log-likelihood (fractional outcomes are fine: it is
/// the quasi-binomial fit). Used for the length-controlled win rate: sigmoid(intercept) is
/// the expected win rate when the two answers are equally long.
public enum LogisticFit {
    public static func sigmoid(_ z: Double) -> Double { 1 / (1 + exp(-z)) }

    public static func fit(x rawX: [Double], y: [Double], iterations: Int = 50) -> (intercept: Double, slope: Double)? {
        guard rawX.count == y.count, rawX.count >= 3 else { return nil }
        let n = Double(rawX.count)
        let mean = rawX.reduce(0, +) / n
        let sd = (rawX.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n).squareRoot()
        guard sd > 0 else { return nil }
        // The predictor is x / sd (not centred), so zero still means "equally long".
        let x = rawX.map { $0 / sd }
        var b0 = 0.0
        var b1 = 0.0
        // A small ridge keeps perfectly separated data finite.
        let ridge = 1e-3
        for _ in 0..<iterations {
            var g0 = -ridge * b0
            var g1 = -ridge * b1
            var h00 = ridge
            var h01 = 0.0
            var h11 = ridge
            for (xi, yi) in zip(x, y) {
                let p = sigmoid(b0 + b1 * xi)
                let w = p * (1 - p)
                g0 += yi - p
                g1 += (yi - p) * xi
                h00 += w
                h01 += w * xi
                h11 += w * xi * xi
            }
            let det = h00 * h11 - h01 * h01
            guard det.isFinite, abs(det) > 1e-12 else { return nil }
            let step0 = (h11 * g0 - h01 * g1) / det
            let step1 = (h00 * g1 - h01 * g0) / det
            b0 += step0
            b1 += step1
            if abs(step0) + abs(step1) < 1e-10 { break }
        }
        guard b0.isFinite, b1.isFinite else { return nil }
        return (b0, b1)
    }
}
