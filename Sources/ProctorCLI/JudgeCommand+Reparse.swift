import ArgumentParser
import Foundation
import ProctorCore
import ProctorJudge

struct JudgeReparseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reparse",
        abstract: "Re-read stored FastChat judgments (model_judgment/*.jsonl) with Proctor's reply parser.",
        discussion: """
            Pairwise files (g1_judgment/g2_judgment, the two orders): prints how many pairs the two orders \
            agree on, how many are inconsistent (the verdicts differ, or one order has none), how many have \
            no verdict in either order, the win rates with inconsistent pairs as ties, and whether Proctor's \
            reading equals the winners FastChat recorded. Single files (judgment, score): the scores re-read \
            and how many equal the recorded ones.

            Example:
              proctor judge reparse ../shared/data/mt-bench/community_runs/stefanstud-phi3/model_judgment/gpt-4_pair.jsonl
            """
    )

    @Argument(help: ArgumentHelp("A FastChat judgment file.", valueName: "file"))
    var file: String

    @Option(help: "Scale of single judgments, MIN-MAX.")
    var scale: String = "1-10"

    func run() async throws {
        if try FastChatJudgments.isPairwise(path: file) {
            let reparsed = try FastChatJudgments.reparsePairs(path: file)
            let pairs = reparsed.map(\.record)
            let bias = PairwiseAnalysis.positionBias(pairs)
            let matching = reparsed.filter(\.matchesRecorded).count
            var models: [String] = []
            for pair in pairs {
                for model in [pair.model1, pair.model2] where !models.contains(model) { models.append(model) }
            }
            print("\(file): \(pairs.count) pairwise judgments, each in both orders")
            print(
                "consistent \(bias.consistent), inconsistent \(bias.inconsistent), no verdict in either order "
                    + "\(bias.unjudged)")
            print("Proctor's reading equals FastChat's recorded winners in \(matching) of \(pairs.count) lines")
            print("")
            let report = JudgeReport(
                results: JudgeResults(mode: .pairwise, judge: "recorded", models: models, repeats: 1, pairs: pairs),
                questions: Set(pairs.map(\.questionID)).count)
            print(report.pairwiseLines().joined(separator: "\n"))
        } else {
            let parts = scale.split(separator: "-").compactMap { Double($0) }
            guard parts.count == 2, parts[0] < parts[1] else {
                throw ValidationError("--scale takes MIN-MAX, e.g. 1-10")
            }
            let reparsed = try FastChatJudgments.reparseSingles(
                path: file, scale: JudgeScale(min: parts[0], max: parts[1]))
            let parsed = reparsed.filter { $0.record.score != nil }
            let equal = reparsed.filter {
                $0.record.score == $0.recorded || ($0.record.score == nil && $0.recorded == -1)
            }
            print(
                "\(file): \(reparsed.count) single judgments, \(parsed.count) parsed, \(reparsed.count - parsed.count) unparsed"
            )
            print(
                "Proctor's score equals FastChat's recorded score (-1 = unparsed) in \(equal.count) of \(reparsed.count)"
            )
            var models: [String] = []
            for item in reparsed where !models.contains(item.record.model) { models.append(item.record.model) }
            let results = JudgeResults(
                mode: .single, judge: "recorded", models: models, repeats: 1, scores: reparsed.map(\.record))
            print("")
            print(
                JudgeReport(results: results, questions: Set(reparsed.map(\.record.questionID)).count).scoreLines()
                    .joined(separator: "\n"))
        }
    }
}
