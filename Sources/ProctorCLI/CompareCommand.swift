import ArgumentParser
import Foundation
import ProctorCore

struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare runs on the same items: each metric with its interval, the paired difference against the "
            + "first run, a significance test and a verdict.",
        discussion: """
            Every run is joined to the first on item keys ("ift:<index>" for instruction-following runs, \
            "<task>:<doc_id>" for benchmark runs). RUN is a run id (a unique prefix is enough); for a run \
            that evaluated several models, RUN compares each model and RUN:MODEL picks one.

            For each metric: the mean of every run with its 95% interval (normal; cluster-robust by task \
            when the items span several tasks), then for every later run the difference against the \
            first (paired bootstrap, seeded, so the same on every run), the p-value (McNemar's exact test \
            for 0/1 metrics such as acc, Wilcoxon signed-rank for scores) and a verdict: "better" or \
            "worse" when p < 0.05, else "no detectable difference". The last column is the smallest \
            difference these items could detect (80% power). Metrics within [0, 1] are shown as points \
            (×100); JSON keeps the raw units.

            Runs of different tasks are refused. Runs over different item sets are refused unless \
            --intersect, which compares the shared items and says how many it dropped.

            --fail-if-worse makes this a gate: exit code 1 when a run is significantly worse than the \
            first (verdict "worse") and its drop exceeds the threshold on any metric. "2pt" means two \
            points (0.02 for 0-1 metrics, 2 for 0-100 scores); "5%" means 5% of the first run's mean.

            Examples:
              proctor compare ift-3f2a91 ift-77c0de
              proctor compare bench-base bench-tuned --fail-if-worse 2pt
              proctor compare ift-3f2a91 --worst 5          (the models of one IFT run)
              proctor compare A B C --intersect --format json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "Runs to compare (RUN or RUN:MODEL); the first is the baseline.")
    var runs: [String]

    @Flag(help: "Compare only the items every run has, instead of refusing different item sets.")
    var intersect = false

    @Option(
        help: ArgumentHelp(
            "Exit 1 when a run is significantly worse than the first by more than this: 2pt (points) or 5% (relative).",
            valueName: "threshold"))
    var failIfWorse: String?

    @Option(help: "Also list the N lowest-scoring items and up to N items whose outcome changed.")
    var worst: Int?

    @Option(help: "text or json.")
    var format: Format = .text

    @Option(help: "Confidence level of the intervals.")
    var confidence = 0.95

    @Option(help: "Bootstrap resamples for the paired intervals.")
    var resamples = Bootstrap.defaultResamples

    @Option(help: "Bootstrap seed (the same seed gives the same intervals).")
    var seed = Bootstrap.defaultSeed

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("name at least one run") }
        guard confidence > 0 && confidence < 1 else { throw ValidationError("--confidence must be between 0 and 1") }
        guard resamples >= 100 else { throw ValidationError("--resamples must be at least 100") }
        if let worst, worst < 0 { throw ValidationError("--worst must not be negative") }
    }

    func run() async throws {
        let threshold = try failIfWorse.map(WorseThreshold.init(parsing:))
        let columns = try await storeOptions.withStore(logger: logging.makeLogger(label: "proctor.store")) {
            try await RunItems.load(runs, from: $0)
        }
        guard columns.count >= 2 else {
            throw ProctorError.invalidArgument(
                "compare needs two runs or models; \(runs.joined(separator: " ")) gives \(columns.count)", field: "run")
        }
        let (keys, dropped) = try RunComparison.sharedItems(columns, intersect: intersect)
        if dropped > 0 {
            Console.error(
                "warning: --intersect dropped \(dropped) items that are not in every run; comparing \(keys.count)")
        }
        let settings = ComparisonSettings(
            confidence: confidence, alpha: 0.05, resamples: resamples, seed: seed)
        let comparison = RunComparison.compute(columns, keys: keys, dropped: dropped, settings: settings)
        let listing = worst.flatMap { limit in
            columns.first?.primaryMetric.map { ItemListing.build(columns, keys: keys, metric: $0, limit: limit) }
        }
        switch format {
        case .json: try printJSON(comparison, listing: listing)
        case .text: printText(comparison, listing: listing)
        }
        if let threshold {
            let failures = threshold.failures(in: comparison)
            for failure in failures {
                let point = comparison.metrics.first { $0.metric == failure.metric }?.point ?? 1
                Console.error(
                    "proctor: \(failure.delta.label) is worse than \(failure.delta.against) on \(failure.metric) "
                        + "by \(CompareFormatting.signed(failure.delta.delta, point: point)) points "
                        + "(p = \(CompareFormatting.pValue(failure.delta.pValue))), beyond --fail-if-worse \(threshold)"
                )
            }
            if !failures.isEmpty { throw ExitCode(1) }
        }
    }

    func printText(_ comparison: RunComparison, listing: ItemListing?) {
        print(
            "Comparing on \(comparison.items) shared items (\(comparison.tasks.joined(separator: ", ")))"
                + (comparison.dropped > 0 ? ", \(comparison.dropped) dropped by --intersect" : ""))
        let percent = Int((confidence * 100).rounded())
        var table = TextTable(headers: [
            "metric", "run", "n", "mean [\(percent)% CI]", "Δ vs first [\(percent)% CI]", "p", "test", "verdict",
            "MDE",
        ])
        table.rightAligned = [2, 5, 8]
        for report in comparison.metrics {
            let name = report.metric + (report.point == 0.01 ? " (×100)" : "")
            for (index, column) in report.columns.enumerated() {
                let mean =
                    "\(CompareFormatting.value(column.mean, point: report.point)) "
                    + "[\(CompareFormatting.value(column.lower, point: report.point)), "
                    + "\(CompareFormatting.value(column.upper, point: report.point))]"
                guard index > 0 else {
                    table.rows.append([name, column.label, "\(column.n)", mean, "baseline", "", "", "", ""])
                    continue
                }
                let delta = report.deltas[index - 1]
                let interval =
                    "\(CompareFormatting.signed(delta.delta, point: report.point)) "
                    + "[\(CompareFormatting.signed(delta.lower, point: report.point)), "
                    + "\(CompareFormatting.signed(delta.upper, point: report.point))]"
                table.rows.append([
                    "", column.label, "\(column.n)", mean, interval, CompareFormatting.pValue(delta.pValue),
                    report.binary ? "McNemar" : "Wilcoxon", delta.verdict,
                    delta.minimumDetectable.map { CompareFormatting.value($0, point: report.point) } ?? "n/a",
                ])
            }
        }
        print(table.render())
        if let interval = comparison.metrics.first?.columns.first?.interval {
            print(
                "Intervals: means \(interval); differences paired bootstrap BCa (\(resamples) resamples, seed \(seed)). "
                    + "MDE: smallest paired difference detectable with 80% power at p < 0.05.")
        }
        if let listing, let point = comparison.metrics.first(where: { $0.metric == listing.metric })?.point {
            print("")
            print(listing.render(point: point))
        }
    }

    func printJSON(_ comparison: RunComparison, listing: ItemListing?) throws {
        struct Output: Encodable {
            var comparison: RunComparison
            var items: ItemListing?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        print(String(decoding: try encoder.encode(Output(comparison: comparison, items: listing)), as: UTF8.self))
    }
}
