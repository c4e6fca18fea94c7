import ArgumentParser
import Foundation
import ProctorCore

struct CorrelateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correlate",
        abstract: "Relate one metric to another across runs or models (one point per model): Pearson, Spearman and "
            + "Kendall with intervals.",
        discussion: """
            Each model contributes one point: the mean of --x over its items and the mean of --y. The two \
            metrics may come from different runs of the same model (say a loss from a benchmark run and a \
            judge score from an IFT run): points are matched by model name. RUN names every model of a run; \
            RUN:MODEL one of them.

            Reported: Pearson r, Spearman rho and Kendall tau-b with two-sided p-values (as SciPy) and 95% \
            intervals on Fisher's z (Pearson: 1/sqrt(n-3); Spearman: Bonett-Wright; Kendall:
            Fieller-Hartley-Pearson). With fewer than 3 points (5 for Kendall's interval) the numbers are n/a.

            Examples:
              proctor correlate bench-a bench-b bench-c ift-3f2a91 --x acc --y score
              proctor correlate ift-3f2a91 ift-77c0de --x score --y score --format json
            """)

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

    @Argument(help: "Runs (RUN or RUN:MODEL).")
    var runs: [String]

    @Option(help: "The metric on the x axis (e.g. acc, exact_match, score).")
    var x: String

    @Option(help: "The metric on the y axis.")
    var y: String

    @Option(help: "text or json.")
    var format: Format = .text

    @Option(help: "Confidence level of the intervals.")
    var confidence = 0.95

    @OptionGroup var storeOptions: StoreOptions

    @OptionGroup var logging: LoggingOptions

    func validate() throws {
        guard !runs.isEmpty else { throw ValidationError("name at least one run") }
        guard confidence > 0 && confidence < 1 else { throw ValidationError("--confidence must be between 0 and 1") }
    }

    struct Point: Codable {
        var model: String
        var x: Double
        var y: Double
        var xFrom: String
        var yFrom: String
    }

    struct Output: Codable {
        var x: String
        var y: String
        var points: [Point]
        var pearson: CorrelationEstimate
        var spearman: CorrelationEstimate
        var kendall: CorrelationEstimate
    }

    func run() async throws {
        let columns = try await storeOptions.withStore(logger: logging.makeLogger(label: "proctor.store")) {
            try await RunItems.load(runs, from: $0)
        }
        let points = try Self.points(columns, x: x, y: y)
        let xs = points.map(\.x)
        let ys = points.map(\.y)
        let output = Output(
            x: x, y: y, points: points, pearson: Correlation.pearson(xs, ys, confidence: confidence),
            spearman: Correlation.spearman(xs, ys, confidence: confidence),
            kendall: Correlation.kendall(xs, ys, confidence: confidence))
        switch format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try encoder.encode(output), as: UTF8.self))
        case .text:
            printText(output)
        }
    }

    /// One point per model: the mean of each metric, from whichever column has it.
    static func points(_ columns: [RunItems], x: String, y: String) throws -> [Point] {
        var order: [String] = []
        var found: [String: (x: (Double, String)?, y: (Double, String)?)] = [:]
        for column in columns {
            let xValue = mean(column, x)
            let yValue = mean(column, y)
            guard xValue != nil || yValue != nil else {
                throw ProctorError.invalidArgument(
                    "run \(column.label) has neither \(x) nor \(y); its metrics: "
                        + (column.metricNames.isEmpty ? "none" : column.metricNames.joined(separator: ", ")),
                    field: "run")
            }
            if found[column.model] == nil { order.append(column.model) }
            var entry = found[column.model] ?? (nil, nil)
            if let xValue { entry.x = (xValue, column.label) }
            if let yValue { entry.y = (yValue, column.label) }
            found[column.model] = entry
        }
        return try order.map { model in
            let entry = found[model]!
            guard let xEntry = entry.x else {
                throw ProctorError.invalidArgument(
                    "no run given has \(x) for model \(model) (it has \(y) in \(entry.y?.1 ?? "?"))", field: "x")
            }
            guard let yEntry = entry.y else {
                throw ProctorError.invalidArgument(
                    "no run given has \(y) for model \(model) (it has \(x) in \(xEntry.1))", field: "y")
            }
            return Point(model: model, x: xEntry.0, y: yEntry.0, xFrom: xEntry.1, yFrom: yEntry.1)
        }
    }

    static func mean(_ column: RunItems, _ metric: String) -> Double? {
        let values = column.values(metric).values
        guard !values.isEmpty else { return nil }
        return values.reduce(0, +) / Double(values.count)
    }

    func printText(_ output: Output) {
        var points = TextTable(headers: ["model", output.x, output.y, "from"])
        points.rightAligned = [1, 2]
        for point in output.points {
            points.rows.append([
                point.model, String(format: "%.4g", point.x), String(format: "%.4g", point.y),
                point.xFrom == point.yFrom ? point.xFrom : "\(point.xFrom), \(point.yFrom)",
            ])
        }
        print(points.render())
        print("")
        let percent = Int((confidence * 100).rounded())
        var table = TextTable(headers: ["coefficient", "value", "\(percent)% CI", "p", "n"])
        table.rightAligned = [1, 3, 4]
        for (name, estimate) in [
            ("Pearson r", output.pearson), ("Spearman rho", output.spearman), ("Kendall tau-b", output.kendall),
        ] {
            table.rows.append([
                name, Self.format(estimate.coefficient),
                "[\(Self.format(estimate.lower)), \(Self.format(estimate.upper))]",
                estimate.pValue.isFinite ? CompareFormatting.pValue(estimate.pValue) : "n/a", "\(estimate.n)",
            ])
        }
        print(table.render())
    }

    static func format(_ value: Double) -> String {
        value.isFinite ? String(format: "%.3f", value) : "n/a"
    }
}
