import Foundation
import ProctorCore

/// Rendering `proctor score` results as a table or as JSON.
enum ScoreOutput {
    private static func rowName(_ report: MetricReport, _ value: MetricValue) -> String {
        value.name == report.metric ? report.metric : "\(report.metric).\(value.name)"
    }

    private static func number(_ value: Double) -> String { String(format: "%.6f", value) }

    static func table(_ reports: [MetricReport], count: Int, perItem: Bool) -> String {
        var rows: [(String, String)] = [("items", String(count))]
        for report in reports {
            for value in report.summary { rows.append((rowName(report, value), number(value.value))) }
        }
        let width = max(6, rows.map(\.0.count).max() ?? 0)
        var text = "metric".padding(toLength: width, withPad: " ", startingAt: 0) + "  value\n"
        for (name, value) in rows {
            text += name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value + "\n"
        }
        for report in reports {
            for matrix in report.matrices {
                text += "\n\(report.metric) \(matrix.name) (rows: reference, columns: prediction)\n"
                let cell = max(
                    5, matrix.labels.map(\.count).max() ?? 0,
                    matrix.counts.flatMap { $0 }.map { String($0).count }.max() ?? 0)
                func pad(_ text: String) -> String { String(repeating: " ", count: max(0, cell - text.count)) + text }
                text += pad("") + " " + matrix.labels.map(pad).joined(separator: " ") + "\n"
                for (row, label) in matrix.labels.enumerated() {
                    text += pad(label) + " " + matrix.counts[row].map { pad(String($0)) }.joined(separator: " ") + "\n"
                }
            }
        }
        if perItem {
            var columns: [String] = []
            for report in reports {
                columns += report.itemColumns.map { $0 == report.metric ? $0 : "\(report.metric).\($0)" }
            }
            text += "\nitem\t" + columns.joined(separator: "\t") + "\n"
            for item in 0..<count {
                var values: [String] = []
                for report in reports { values += report.items[item].map(number) }
                text += "\(item + 1)\t" + values.joined(separator: "\t") + "\n"
            }
        }
        return text
    }

    static func json(_ reports: [MetricReport], count: Int, perItem: Bool) -> String {
        var text = "{\"items\":\(count),\"metrics\":{"
        for (index, report) in reports.enumerated() {
            if index > 0 { text += "," }
            text += quoted(report.metric) + ":{\"summary\":{"
            text += report.summary.map { quoted($0.name) + ":" + jsonNumber($0.value) }.joined(separator: ",")
            text += "}"
            for matrix in report.matrices {
                text += "," + quoted(matrix.name) + ":{\"labels\":[" + matrix.labels.map(quoted).joined(separator: ",")
                text +=
                    "],\"counts\":["
                    + matrix.counts.map { "[" + $0.map(String.init).joined(separator: ",") + "]" }
                    .joined(separator: ",") + "]}"
            }
            if perItem {
                text += ",\"item_columns\":[" + report.itemColumns.map(quoted).joined(separator: ",") + "]"
                text +=
                    ",\"per_item\":["
                    + report.items.map { "[" + $0.map(jsonNumber).joined(separator: ",") + "]" }
                    .joined(separator: ",") + "]"
            }
            text += "}"
        }
        return text + "}}\n"
    }

    /// Shortest round-trip decimal; JSON has no NaN or infinity, so those become null.
    private static func jsonNumber(_ value: Double) -> String { value.isFinite ? "\(value)" : "null" }

    private static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
