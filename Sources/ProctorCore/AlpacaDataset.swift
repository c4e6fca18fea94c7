import Foundation

/// Alpaca-format instruction data: a JSON array (or JSONL) of objects with `instruction`,
/// optional `input`, and `output`. Other keys are ignored. Errors name the file, the line
/// and the entry index.
public struct AlpacaDataset: DatasetSource {
    public let location: String
    /// Key that holds the reference answer; `output` in Alpaca data.
    public var referenceKey: String

    public init(path: String, referenceKey: String = "output") {
        self.location = path
        self.referenceKey = referenceKey
    }

    public func load() throws -> [InstructionItem] {
        guard FileManager.default.fileExists(atPath: location) else {
            throw ProctorError.fileNotFound(location, what: "data file")
        }
        guard let data = FileManager.default.contents(atPath: location) else {
            throw ProctorError.fileNotFound(location, what: "readable data file")
        }
        let bytes = [UInt8](data)
        let locator = JSONLocator(bytes)
        let firstByte = bytes.first { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }
        if firstByte == UInt8(ascii: "[") {
            return try loadArray(data: data, bytes: bytes, locator: locator)
        }
        if firstByte == UInt8(ascii: "{") {
            return try loadLines(bytes: bytes)
        }
        throw ProctorError.invalidJSON(
            file: location, line: 1, detail: "expected a JSON array of objects (or JSONL, one object per line)")
    }

    private func loadArray(data: Data, bytes: [UInt8], locator: JSONLocator) throws -> [InstructionItem] {
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            let (line, detail) = Self.describe(error, locator: locator)
            throw ProctorError.invalidJSON(file: location, line: line, detail: detail)
        }
        guard let array = parsed as? [Any] else {
            throw ProctorError.invalidJSON(file: location, line: 1, detail: "expected a JSON array of objects")
        }
        let offsets = JSONLocator.topLevelElementOffsets(bytes)
        return try array.enumerated().map { index, element in
            let line = index < offsets.count ? locator.line(ofOffset: offsets[index]) : nil
            return try item(from: element, index: index, line: line)
        }
    }

    private func loadLines(bytes: [UInt8]) throws -> [InstructionItem] {
        var items: [InstructionItem] = []
        var lineNumber = 0
        for lineBytes in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            let trimmed = lineBytes.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if trimmed.isEmpty { continue }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(lineBytes))
            } catch {
                let (_, detail) = Self.describe(error, locator: JSONLocator(Array(lineBytes)))
                throw ProctorError.invalidJSON(file: location, line: lineNumber, detail: detail)
            }
            items.append(try item(from: object, index: items.count, line: lineNumber))
        }
        return items
    }

    private func item(from element: Any, index: Int, line: Int?) throws -> InstructionItem {
        guard let object = element as? [String: Any] else {
            throw ProctorError.invalidValue("entry", "expected a JSON object", file: location, line: line, index: index)
        }
        func text(_ key: String, required: Bool) throws -> String {
            guard let value = object[key], !(value is NSNull) else {
                if required { throw ProctorError.missingField(key, file: location, line: line, index: index) }
                return ""
            }
            if let string = value as? String { return string }
            if let number = value as? NSNumber { return number.stringValue }
            throw ProctorError.invalidValue(key, "expected a string", file: location, line: line, index: index)
        }
        return InstructionItem(
            instruction: try text("instruction", required: true),
            input: try text("input", required: false),
            output: try text(referenceKey, required: true),
            sourceIndex: index)
    }

    /// Turns Foundation's "around character N" into a line number.
    static func describe(_ error: Error, locator: JSONLocator) -> (line: Int?, detail: String) {
        let debug = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? "\(error)"
        var line: Int?
        if let range = debug.range(of: "character ") {
            let digits = debug[range.upperBound...].prefix { $0.isNumber }
            if let offset = Int(digits) { line = locator.line(ofOffset: offset) }
        }
        let detail = debug.replacingOccurrences(of: #" around character \d+"#, with: "", options: .regularExpression)
        return (line, detail.trimmingCharacters(in: CharacterSet(charactersIn: ". ")))
    }
}
