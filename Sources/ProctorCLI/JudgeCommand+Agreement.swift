import ArgumentParser
import Foundation
import ProctorCore
import ProctorJudge

struct JudgeAgreementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agreement",
        abstract: "How well two raters agree: two judges, or a judge and human labels.",
        discussion: """
            Each file is one rater: a JSON array of scores (matched by position), a judgments.json from \
            `proctor judge run --out`, or JSON/JSONL objects with question_id, model, turn and score \
            (FastChat single judgments, human scores) or model_a, model_b and winner (human votes). \
            Prints the items compared, the share with the same label, Cohen's kappa (quadratic-weighted for \
            scores) and, for scores, Pearson, Spearman and Kendall, each with a 95% confidence interval.

            Example (the book's GPT-4 and Llama-3-8B judges of model 1):
              proctor judge agreement ../shared/data/alpaca-raschka/scores/gpt4-model-1-response.json \\
                ../shared/data/alpaca-raschka/scores/llama3-8b-model-1-response.json
            """
    )

    @Argument(help: ArgumentHelp("The first rater's labels.", valueName: "file"))
    var first: String

    @Argument(help: ArgumentHelp("The second rater's labels (e.g. people).", valueName: "file"))
    var second: String

    func run() async throws {
        let a = try RaterLabels.load(path: first)
        let b = try RaterLabels.load(path: second)
        let report = try AgreementReport.compare(a, b)
        func estimate(_ name: String, _ value: CorrelationEstimate?) -> String {
            guard let value else { return "" }
            return "\(name) \(JudgeReport.number(value.coefficient, digits: 3)) "
                + "[\(JudgeReport.interval(value.lower, value.upper, digits: 3))], p=\(String(format: "%.2g", value.pValue))"
        }
        if a.positional && a.order.count != b.order.count {
            print(
                "Note: \(first) has \(a.order.count) entries and \(second) has \(b.order.count); plain arrays carry no "
                    + "ids, so entry i is compared with entry i over the first \(min(a.order.count, b.order.count))")
        }
        print(
            "\(report.n) items labelled by both (\(report.onlyFirst) only by the first, \(report.onlySecond) only by the second)"
        )
        print("Same label: \(JudgeReport.number(report.percentAgreement * 100, digits: 1))%")
        print(
            "Cohen's kappa\(report.kind == "scores" ? " (quadratic weights)" : ""): "
                + "\(JudgeReport.number(report.kappa.kappa, digits: 3)) "
                + "[\(JudgeReport.interval(report.kappa.lower, report.kappa.upper, digits: 3))]")
        if report.kind == "scores" {
            print(estimate("Pearson", report.pearson))
            print(estimate("Spearman", report.spearman))
            print(estimate("Kendall", report.kendall))
        }
    }
}
