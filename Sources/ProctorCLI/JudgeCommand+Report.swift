import Foundation
import ProctorCore
import ProctorJudge

/// The printed report of a judging run: scores or win rates, then the judge's own numbers
/// (noise, position and length bias, tokens and cost).
struct JudgeReport {
    var results: JudgeResults
    var questions: Int

    static func number(_ value: Double?, digits: Int = 2) -> String {
        guard let value, value.isFinite else { return "n/a" }
        return String(format: "%.\(digits)f", value)
    }

    static func interval(_ lower: Double?, _ upper: Double?, digits: Int = 2) -> String {
        guard let lower, let upper, lower.isFinite, upper.isFinite else { return "n/a" }
        return "\(number(lower, digits: digits))-\(number(upper, digits: digits))"
    }

    func headline() throws -> String {
        var numbers: [String: [String: Double]] = [:]
        if results.mode == .pairwise {
            for rate in PairwiseAnalysis.winRates(results.pairs, models: results.models)
            where rate.opponent == "*"
                || results.models.count == 2
            {
                numbers[rate.model] = ["win_rate": rate.winRate, "judged": Double(rate.judged)]
            }
        } else {
            for score in ScoreAnalysis.modelScores(results) {
                numbers[score.model] = ["mean": score.mean ?? .nan, "scored": Double(score.scored)].filter {
                    !$0.value.isNaN
                }
            }
        }
        return try CanonicalJSON.encode(numbers)
    }

    func render(judge: String, config: JudgeConfig) -> String {
        var lines = [
            "Judge \(judge), \(results.mode.rawValue) mode (scale \(config.scale), prompts \(config.prompts)): "
                + "\(questions) questions, \(results.models.count) models, \(results.repeats) "
                + (results.repeats == 1 ? "repeat" : "repeats"), "",
        ]
        if results.mode == .pairwise {
            lines += pairwiseLines()
        } else {
            lines += scoreLines()
        }
        let usage = results.usage
        lines.append("")
        lines.append(
            "Judge usage: \(usage.calls) calls, \(usage.promptTokens) prompt + \(usage.completionTokens) completion "
                + "tokens; cost $\(String(format: "%.4f", usage.cost)) at $\(usage.prices.input)/$\(usage.prices.output) "
                + "per million input/output tokens (cached answers counted as if asked)")
        return lines.joined(separator: "\n")
    }

    func scoreLines() -> [String] {
        let scores = ScoreAnalysis.modelScores(results)
        let turns = scores.map(\.turnMeans.count).max() ?? 1
        var headers = ["model", "mean", "95% CI"]
        if turns > 1 { headers += (1...turns).map { "turn \($0)" } }
        headers += ["scored", "unparsed", "failed"]
        var table = TextTable(headers: headers, rightAligned: Set(1..<headers.count))
        for score in scores {
            var row = [score.model, Self.number(score.mean), Self.interval(score.lower, score.upper)]
            if turns > 1 {
                row += (0..<turns).map { Self.number(score.turnMeans.indices.contains($0) ? score.turnMeans[$0] : nil) }
            }
            row += ["\(score.scored) of \(score.items)", "\(score.unparsed)", "\(score.failed)"]
            table.rows.append(row)
        }
        var lines = [table.render()]
        if results.repeats > 1 {
            lines.append("")
            if let noise = ScoreAnalysis.noise(results) {
                lines.append(
                    "Judge noise over \(noise.items) items x \(noise.repeats) repeats: within-item variance "
                        + "\(Self.number(noise.withinVariance, digits: 3)), between-item variance "
                        + "\(Self.number(noise.betweenVariance, digits: 3)), noise share "
                        + "\(Self.number(noise.noiseShare * 100, digits: 1))% of the total")
                lines.append(
                    "Per-item spread: mean SD \(Self.number(noise.meanItemSD)), mean range "
                        + "\(Self.number(noise.meanItemRange)), largest range \(Self.number(noise.maxItemRange)); "
                        + "the 95% CIs above are over item means, so they include this noise")
            } else {
                lines.append("Judge noise: too few items with two or more parsed repeats")
            }
        }
        if results.mode == .batch {
            let shifts = ScoreAnalysis.positionShift(results)
            if !shifts.isEmpty {
                lines.append("")
                lines.append(
                    "Position in the batch prompt, mean score minus the model's mean: "
                        + shifts.map { "Model \($0.position): \(String(format: "%+.2f", $0.shift)) (n=\($0.count))" }
                        .joined(separator: ", "))
            }
        }
        if let length = ScoreAnalysis.lengthCorrelation(results) {
            lines.append("")
            lines.append(
                "Score vs answer length (characters): Pearson \(Self.number(length.pearson.coefficient)) "
                    + "[\(Self.interval(length.pearson.lower, length.pearson.upper))], Spearman "
                    + "\(Self.number(length.spearman.coefficient)) "
                    + "[\(Self.interval(length.spearman.lower, length.spearman.upper))], n=\(length.pearson.n)")
        }
        return lines
    }

    func pairwiseLines() -> [String] {
        let rates = PairwiseAnalysis.winRates(results.pairs, models: results.models)
        var table = TextTable(
            headers: ["model", "vs", "wins", "ties", "losses", "win rate", "95% CI", "length-controlled"],
            rightAligned: [2, 3, 4, 5, 6, 7])
        for rate in rates {
            table.rows.append([
                rate.model, rate.opponent == "*" ? "all" : rate.opponent, "\(rate.wins)", "\(rate.ties)",
                "\(rate.losses)", Self.number(rate.winRate, digits: 3),
                Self.interval(rate.lower, rate.upper, digits: 3),
                Self.number(rate.lengthControlled, digits: 3),
            ])
        }
        let bias = PairwiseAnalysis.positionBias(results.pairs)
        return [
            table.render(), "",
            "Each pair judged in both orders; orders that disagree count as a tie, a tie counts half a win.",
            "Order swap: \(bias.inconsistent) of \(bias.pairs - bias.unjudged) judged pairs inconsistent "
                + "(\(Self.number(bias.flipShare * 100, digits: 1))%), \(bias.consistent) consistent, "
                + "\(bias.unjudged) with no verdict in either order; the first answer wins "
                + "\(Self.number(bias.firstPositionShare * 100, digits: 1))% of \(bias.decisiveVerdicts) decisive verdicts",
            "Length-controlled: logistic fit of the points on the length difference, read at equal length",
        ]
    }
}
