import Foundation
import ProctorCore

/// A JSON Schema (the common keywords of draft-07 and 2020-12), checked and compiled once.
///
/// Supported: `type`, `properties`, `required`, `additionalProperties`, `patternProperties`,
/// `items` (a schema, or draft-07's array form with `additionalItems`), `prefixItems`, `enum`,
/// `const`, `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`, `multipleOf`,
/// `minLength`, `maxLength` (in code points), `pattern` (unanchored search), `minItems`,
/// `maxItems`, `uniqueItems`, `minProperties`, `maxProperties`, `anyOf`, `oneOf`, `allOf`,
/// `not`, boolean schemas and local `$ref` (`#`, `#/$defs/...`, `#/definitions/...`, any
/// JSON pointer into the document; applied together with sibling keywords, as in 2020-12).
/// Other keywords (`format`, `title`, ...) are annotations and are ignored. A keyword with a
/// value of the wrong shape is an error that names the file and the keyword's location.
public struct JSONSchema: Sendable {
    let root: SchemaNode
    let registry: SchemaRegistry

    /// Reads and compiles a schema file.
    public static func load(path: String) throws -> JSONSchema {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProctorError.fileNotFound(path, what: "JSON Schema file")
        }
        return try JSONSchema(bytes: Array(data), file: path)
    }

    /// Compiles a schema text; `file` names it in errors.
    public init(text: String, file: String = "<schema>") throws {
        try self.init(bytes: Array(text.utf8), file: file)
    }

    init(bytes: [UInt8], file: String) throws {
        let document: JSONValue
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            let line = bytes[0..<min(error.offset, bytes.count)].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw ProctorError.invalidJSON(file: file, line: line, detail: "\(error.reason) (the JSON Schema file)")
        }
        var compiler = SchemaCompiler(document: document, file: file)
        root = try compiler.compile(document, at: "")
        try compiler.resolvePendingReferences()
        registry = SchemaRegistry(nodes: compiler.compiled)
    }

    /// Whether a value satisfies the schema.
    public func validates(_ value: JSONValue) -> Bool { root.validates(value, registry) }
}

/// The compiled nodes that `$ref` points at, by JSON pointer.
struct SchemaRegistry: Sendable {
    let nodes: [String: SchemaNode]
}

/// One compiled (sub)schema. Immutable after compilation; `NSRegularExpression` is immutable
/// and documented thread-safe, hence the unchecked conformance.
final class SchemaNode: @unchecked Sendable {
    var constant: Bool?
    var types: Set<String>?
    var properties: [String: SchemaNode] = [:]
    var patternProperties: [(NSRegularExpression, SchemaNode)] = []
    var additionalProperties: SchemaNode?
    var required: [String] = []
    var prefixItems: [SchemaNode] = []
    var items: SchemaNode?
    var enumValues: [JSONValue]?
    var constValue: JSONValue?
    var minimum: Double?
    var maximum: Double?
    var exclusiveMinimum: Double?
    var exclusiveMaximum: Double?
    var multipleOf: Double?
    var minLength: Int?
    var maxLength: Int?
    var pattern: NSRegularExpression?
    var minItems: Int?
    var maxItems: Int?
    var uniqueItems = false
    var minProperties: Int?
    var maxProperties: Int?
    var allOf: [SchemaNode] = []
    var anyOf: [SchemaNode] = []
    var oneOf: [SchemaNode] = []
    var not: SchemaNode?
    var reference: String?

    init() {}
}
