import Foundation
import ProctorCore
import ProctorMetrics

/// The texts `proctor score` reads: aligned line files or one JSONL file.
struct ScoreInput {
    var predictions: [String]
    var references: [String]?

    static func load(
        predictions: String?, references: String?, data: String?, predictionField: String?, referenceField: String?
    ) throws -> ScoreInput {
        if let data, let predictionField {
            return try loadJSONL(data, predictionField: predictionField, referenceField: referenceField)
        }
        guard let predictions else {
            throw ProctorError.invalidArgument("give --predictions FILE", field: "predictions")
        }
        let predictionLines = try lines(of: predictions)
        guard let references else { return ScoreInput(predictions: predictionLines, references: nil) }
        let referenceLines = try lines(of: references)
        guard predictionLines.count == referenceLines.count else {
            throw ProctorError.invalidArgument(
                "\(predictions) has \(predictionLines.count) lines but \(references) has \(referenceLines.count); "
                    + "predictions and references must be line-aligned", field: "references")
        }
        return ScoreInput(predictions: predictionLines, references: referenceLines)
    }

    private static func read(_ path: String) throws -> [UInt8] {
        guard let contents = FileManager.default.contents(atPath: path) else { throw ProctorError.fileNotFound(path) }
        return Array(contents)
    }

    /// The file's lines: split on "\n" (a "\r" before it is dropped); a final newline ends the last line.
    static func lines(of path: String) throws -> [String] {
        let bytes = try read(path)
        var lines: [String] = []
        var start = 0
        for index in bytes.indices where bytes[index] == 0x0A {
            let end = index > start && bytes[index - 1] == 0x0D ? index - 1 : index
            lines.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = index + 1
        }
        if start < bytes.count { lines.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return lines
    }

    private static func loadJSONL(_ path: String, predictionField: String, referenceField: String?) throws -> ScoreInput
    {
        let bytes = try read(path)
        var predictions: [String] = []
        var references: [String] = []
        var lineNumber = 0
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            lineNumber += 1
            let line = Array(bytes[start..<end])
            start = end + 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let value: ProctorMetrics.JSONValue
            do {
                value = try JSONParser.parse(line)
            } catch {
                throw ProctorError.invalidJSON(
                    file: path, line: lineNumber, detail: "\(error.reason) at byte \(error.offset + 1)")
            }
            predictions.append(try text(value, predictionField, path, lineNumber))
            if let referenceField { references.append(try text(value, referenceField, path, lineNumber)) }
        }
        return ScoreInput(predictions: predictions, references: referenceField == nil ? nil : references)
    }

    /// The string at a dotted field path (`a.b.0.c`); numbers and booleans are taken as their text.
    private static func text(
        _ root: ProctorMetrics.JSONValue, _ path: String, _ file: String, _ line: Int
    ) throws
        -> String
    {
        var current = root
        for component in path.split(separator: ".", omittingEmptySubsequences: false).map(String.init) {
            switch current {
            case .object(let members):
                guard let next = members[component] else {
                    throw ProctorError.missingField(path, file: file, line: line)
                }
                current = next
            case .array(let elements):
                guard let index = Int(component), elements.indices.contains(index) else {
                    throw ProctorError.missingField(path, file: file, line: line)
                }
                current = elements[index]
            default:
                throw ProctorError.missingField(path, file: file, line: line)
            }
        }
        switch current {
        case .string(let text): return text
        case .number(let number):
            return number.rounded() == number && abs(number) < 1e15 ? String(Int(number)) : String(number)
        case .bool(let flag): return flag ? "true" : "false"
        default:
            throw ProctorError.invalidValue(path, "must be a string, not \(current)", file: file, line: line)
        }
    }
}
