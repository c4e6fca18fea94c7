extension BenchReport {
    /// A plain-text table of every task and group: Task, Metric, Value, Stderr, N. Metrics of
    /// filtered generations read `exact_match (strict-match)`; a missing stderr reads `N/A`.
    public func table() -> String {
        var rows: [[String]] = [["Task", "Metric", "Value", "Stderr", "N"]]
        for result in results {
            var first = true
            for metric in result.metrics {
                let name = metric.filter == "none" ? metric.metric : "\(metric.metric) (\(metric.filter))"
                let arrow = metric.higherIsBetter ? "↑" : "↓"
                rows.append([
                    first ? result.alias : "",
                    "\(name) \(arrow)",
                    Self.format(metric.value),
                    metric.stderr.map { "± " + Self.format($0) } ?? "N/A",
                    first ? String(result.sampleCount) : "",
                ])
                first = false
            }
            if result.metrics.isEmpty { rows.append([result.alias, "", "", "", String(result.sampleCount)]) }
        }
        let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
        let rightAligned: Set<Int> = [2, 3, 4]
        func line(_ row: [String]) -> String {
            row.enumerated().map { column, text in
                let padding = String(repeating: " ", count: widths[column] - text.count)
                return rightAligned.contains(column) ? padding + text : text + padding
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }
        var output = line(rows[0]) + "\n"
        output += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for row in rows.dropFirst() { output += line(row) + "\n" }
        return output
    }

    static func format(_ value: Double) -> String {
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        let scaled = (value * 10_000).rounded() / 10_000
        var text = String(scaled)
        if let dot = text.firstIndex(of: "."), !text.contains("e") {
            let decimals = text.distance(from: dot, to: text.endIndex) - 1
            if decimals < 4 { text += String(repeating: "0", count: 4 - decimals) }
        }
        return text
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
