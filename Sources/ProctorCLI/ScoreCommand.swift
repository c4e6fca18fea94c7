import ArgumentParser
import Foundation
import ProctorCore
import ProctorMetrics

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score predictions against references with reference metrics (ROUGE, BLEU, chrF, F1, ...).",
        discussion: """
            Give the texts either as two line-aligned text files (--predictions and --references, one item \
            per line) or as one JSONL file with both fields (--data, --prediction-field, --reference-field; \
            a field may be a dotted path such as choices.0.turns.0). Prints one row per summary value; \
            --per-item adds every item's values; --format json prints everything as JSON.

            Metrics (comma-separated or repeated --metric):
            \(MetricCatalog.entries.map { "  " + $0.name.padding(toLength: 16, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))

            Each metric matches its reference Python package (rouge-score, sacrebleu, NLTK, scikit-learn) \
            to 1e-6 per item; see docs/PARITY.md. json_valid and json_schema need no references.

            Examples:
              proctor score --metric rougeL,bleu,chrf \\
                  --predictions out.txt --references gold.txt
              proctor score --metric exact_match,f1 --data answers.jsonl \\
                  --prediction-field answer --reference-field gold --per-item
              proctor score --metric classification \\
                  --predictions labels.txt --references truth.txt
              proctor score --metric json_valid,json_schema \\
                  --schema person.schema.json --predictions out.txt --format json
            """
    )

    @Option(
        name: .customLong("metric"),
        help: ArgumentHelp("Metrics to compute, comma-separated (repeatable).", valueName: "names"))
    var metricLists: [String] = []

    @Option(help: ArgumentHelp("Text file with one prediction per line.", valueName: "file"))
    var predictions: String?

    @Option(help: ArgumentHelp("Text file with one reference per line, aligned with --predictions.", valueName: "file"))
    var references: String?

    @Option(help: ArgumentHelp("JSONL file holding predictions and references.", valueName: "file"))
    var data: String?

    @Option(help: ArgumentHelp("Field of --data with the prediction.", valueName: "path"))
    var predictionField: String?

    @Option(help: ArgumentHelp("Field of --data with the reference.", valueName: "path"))
    var referenceField: String?

    @Option(help: ArgumentHelp("JSON Schema file for the json_schema metric.", valueName: "file"))
    var schema: String?

    @Option(help: "Output format: table or json.")
    var format: String = "table"

    @Flag(help: "Also print each item's values.")
    var perItem = false

    func validate() throws {
        if metricLists.isEmpty {
            throw ValidationError("give at least one --metric (known: \(MetricCatalog.names.joined(separator: ", ")))")
        }
        if format != "table" && format != "json" { throw ValidationError("--format must be table or json") }
        if data != nil {
            if predictions != nil || references != nil {
                throw ValidationError("give either --data or --predictions/--references, not both")
            }
            if predictionField == nil { throw ValidationError("--data needs --prediction-field FIELD") }
        } else {
            if predictions == nil {
                throw ValidationError("give --predictions FILE (and --references FILE) or --data FILE.jsonl")
            }
            if predictionField != nil || referenceField != nil {
                throw ValidationError("--prediction-field and --reference-field go with --data")
            }
        }
    }

    func run() throws {
        let names = metricLists.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        let loadedSchema = try schema.map { try JSONSchema.load(path: $0) }
        let metrics = try names.map { try MetricCatalog.metric(named: $0, schema: loadedSchema) }
        let input = try ScoreInput.load(
            predictions: predictions, references: references, data: data, predictionField: predictionField,
            referenceField: referenceField)
        for metric in metrics where metric.needsReference && input.references == nil {
            let how = data == nil ? "--references FILE" : "--reference-field FIELD"
            throw ProctorError.invalidArgument(
                "metric '\(metric.name)' compares predictions with references; give \(how)", field: "references")
        }
        let reports = try metrics.map {
            try $0.evaluate(predictions: input.predictions, references: $0.needsReference ? input.references : nil)
        }
        let output =
            format == "json"
            ? ScoreOutput.json(reports, count: input.predictions.count, perItem: perItem)
            : ScoreOutput.table(reports, count: input.predictions.count, perItem: perItem)
        FileHandle.standardOutput.write(Data(output.utf8))
    }
}
