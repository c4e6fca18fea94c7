import Foundation
import ProctorCore

/// One row of a dataset file with where it came from.
public struct DatasetRow: Sendable, Hashable {
    public var fields: JSONValue
    /// The file the row was read from.
    public var file: String
    /// The 1-based line the row starts on.
    public var line: Int

    public init(fields: JSONValue, file: String, line: Int) {
        self.fields = fields
        self.file = file
        self.line = line
    }
}

/// Reads dataset files into rows. Pure apart from reading the named files.
public enum DatasetLoader {
    /// Reads `path` in `spec.format`; `labelsPath` is the file of `spec.labels`, if any.
    public static func load(_ spec: DatasetSpec, path: String, labelsPath: String? = nil) throws -> [DatasetRow] {
        let text = try readText(path)
        var rows: [DatasetRow]
        switch spec.format {
        case .jsonl: rows = try jsonl(text, file: path)
        case .json: rows = try json(text, file: path, records: spec.records)
        case .csv: rows = try csv(text, file: path, columns: spec.columns)
        case .lines: rows = lines(text, file: path, field: "text")
        }
        if let labels = spec.labels, let labelsPath {
            let values = lines(try readText(labelsPath), file: labelsPath, field: labels.field)
            guard values.count == rows.count else {
                throw ProctorError.invalidValue(
                    labels.field,
                    "\(values.count) labels for \(rows.count) rows in \(path); the files must be aligned line by line",
                    file: labelsPath)
            }
            for index in rows.indices {
                guard case .object(var pairs) = rows[index].fields else { continue }
                pairs.append((labels.field, values[index].fields[labels.field] ?? .null))
                rows[index].fields = .object(pairs)
            }
        }
        return rows
    }

    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProctorError.fileNotFound(path, what: "dataset file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ProctorError.invalidValue("encoding", "the file is not UTF-8 text", file: path)
        }
        return text
    }

    static func jsonl(_ text: String, file: String) throws -> [DatasetRow] {
        var rows: [DatasetRow] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let value = try JSONValue.parse(trimmed, file: file, firstLine: lineNumber)
            guard case .object = value else {
                throw ProctorError.invalidValue(
                    "row", "expected a JSON object, got \(value.kindName)", file: file, line: lineNumber)
            }
            rows.append(DatasetRow(fields: value, file: file, line: lineNumber))
        }
        return rows
    }

    static func json(_ text: String, file: String, records: String?) throws -> [DatasetRow] {
        let elements: [(JSONValue, Int)]
        if let records {
            let document = try JSONValue.parse(text, file: file)
            guard case .array(let items)? = document[records] else {
                throw ProctorError.missingField(records, file: file, line: 1)
            }
            elements = items.map { ($0, 1) }
        } else {
            elements = try JSONValue.parseArrayWithLines(text, file: file)
        }
        return try elements.map { value, line in
            guard case .object = value else {
                throw ProctorError.invalidValue(
                    "row", "expected a JSON object, got \(value.kindName)", file: file, line: line)
            }
            return DatasetRow(fields: value, file: file, line: line)
        }
    }

    static func csv(_ text: String, file: String, columns: [String]?) throws -> [DatasetRow] {
        var records = try CSVReader.records(text, file: file)
        let names: [String]
        if let columns {
            names = columns
        } else {
            guard !records.isEmpty else { return [] }
            names = records.removeFirst().fields
        }
        return try records.map { record in
            guard record.fields.count == names.count else {
                throw ProctorError.invalidValue(
                    "columns",
                    "the row has \(record.fields.count) fields, expected \(names.count) (\(names.joined(separator: ", ")))",
                    file: file, line: record.line)
            }
            return DatasetRow(
                fields: .object(zip(names, record.fields).map { ($0, .string($1)) }), file: file, line: record.line)
        }
    }

    static func lines(_ text: String, file: String, field: String) -> [DatasetRow] {
        var rows: [DatasetRow] = []
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if trimmed.isEmpty { continue }
            let value: JSONValue = Int(trimmed).map { .int($0) } ?? .string(trimmed)
            rows.append(DatasetRow(fields: .object([(field, value)]), file: file, line: lineNumber))
        }
        return rows
    }
}
