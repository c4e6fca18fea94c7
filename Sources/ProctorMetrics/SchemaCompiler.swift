import Foundation
import ProctorCore

/// Turns a parsed schema document into ``SchemaNode``s, rejecting malformed keywords.
struct SchemaCompiler {
    let document: JSONValue
    let file: String
    var compiled: [String: SchemaNode] = [:]
    private var pending: [String] = []

    init(document: JSONValue, file: String) {
        self.document = document
        self.file = file
    }

    private static let typeNames: Set<String> = ["null", "boolean", "object", "array", "number", "string", "integer"]

    private func malformed(_ location: String, _ detail: String) -> ProctorError {
        ProctorError.invalidValue(location.isEmpty ? "/" : location, "invalid JSON Schema: \(detail)", file: file)
    }

    mutating func compile(_ schema: JSONValue, at location: String) throws -> SchemaNode {
        let node = SchemaNode()
        if case .bool(let value) = schema {
            node.constant = value
            return node
        }
        guard case .object(let keywords) = schema else {
            throw malformed(location, "a schema must be an object or a boolean, not \(schema.typeName)")
        }
        for (keyword, value) in keywords {
            try compileKeyword(keyword, value, into: node, at: location + "/" + keyword, siblings: keywords)
        }
        return node
    }

    private mutating func compileKeyword(
        _ keyword: String, _ value: JSONValue, into node: SchemaNode, at location: String,
        siblings: [String: JSONValue]
    ) throws {
        switch keyword {
        case "type":
            let names: [String]
            switch value {
            case .string(let name): names = [name]
            case .array(let list):
                names = try list.map { item in
                    guard case .string(let name) = item else { throw malformed(location, "type names must be strings") }
                    return name
                }
            default: throw malformed(location, "'type' must be a string or an array of strings")
            }
            for name in names where !Self.typeNames.contains(name) {
                throw malformed(
                    location, "'\(name)' is not a JSON Schema type (\(Self.typeNames.sorted().joined(separator: ", ")))"
                )
            }
            node.types = Set(names)
        case "properties", "patternProperties", "$defs", "definitions":
            guard case .object(let members) = value else { throw malformed(location, "'\(keyword)' must be an object") }
            for (name, subschema) in members {
                let child = try compile(subschema, at: location + "/" + Self.escape(name))
                if keyword == "properties" { node.properties[name] = child }
                if keyword == "patternProperties" { node.patternProperties.append((try regex(name, location), child)) }
            }
        case "additionalProperties": node.additionalProperties = try compile(value, at: location)
        case "required":
            guard case .array(let list) = value else {
                throw malformed(location, "'required' must be an array of strings")
            }
            node.required = try list.map { item in
                guard case .string(let name) = item else { throw malformed(location, "'required' must list strings") }
                return name
            }
        case "items":
            if case .array(let list) = value {
                node.prefixItems = try list.enumerated().map { try compile($1, at: location + "/\($0)") }
                if let additional = siblings["additionalItems"] {
                    node.items = try compile(additional, at: location.dropLastComponent() + "/additionalItems")
                }
            } else {
                node.items = try compile(value, at: location)
            }
        case "prefixItems":
            guard case .array(let list) = value else { throw malformed(location, "'prefixItems' must be an array") }
            node.prefixItems = try list.enumerated().map { try compile($1, at: location + "/\($0)") }
        case "additionalItems":
            _ = try compile(value, at: location)
        case "enum":
            guard case .array(let list) = value else { throw malformed(location, "'enum' must be an array") }
            node.enumValues = list
        case "const": node.constValue = value
        case "minimum": node.minimum = try number(value, location)
        case "maximum": node.maximum = try number(value, location)
        case "exclusiveMinimum": node.exclusiveMinimum = try number(value, location)
        case "exclusiveMaximum": node.exclusiveMaximum = try number(value, location)
        case "multipleOf":
            let divisor = try number(value, location)
            guard divisor > 0 else { throw malformed(location, "'multipleOf' must be greater than 0") }
            node.multipleOf = divisor
        case "minLength": node.minLength = try count(value, location)
        case "maxLength": node.maxLength = try count(value, location)
        case "minItems": node.minItems = try count(value, location)
        case "maxItems": node.maxItems = try count(value, location)
        case "minProperties": node.minProperties = try count(value, location)
        case "maxProperties": node.maxProperties = try count(value, location)
        case "uniqueItems":
            guard case .bool(let flag) = value else { throw malformed(location, "'uniqueItems' must be a boolean") }
            node.uniqueItems = flag
        case "pattern":
            guard case .string(let text) = value else { throw malformed(location, "'pattern' must be a string") }
            node.pattern = try regex(text, location)
        case "allOf", "anyOf", "oneOf":
            guard case .array(let list) = value, !list.isEmpty else {
                throw malformed(location, "'\(keyword)' must be a non-empty array of schemas")
            }
            let children = try list.enumerated().map { try compile($1, at: location + "/\($0)") }
            if keyword == "allOf" { node.allOf = children }
            if keyword == "anyOf" { node.anyOf = children }
            if keyword == "oneOf" { node.oneOf = children }
        case "not": node.not = try compile(value, at: location)
        case "$ref":
            guard case .string(let reference) = value else { throw malformed(location, "'$ref' must be a string") }
            guard reference.hasPrefix("#") else {
                throw malformed(location, "only local references ('#/...') are supported, not '\(reference)'")
            }
            let pointer = String(reference.dropFirst()).removingPercentEncoding ?? String(reference.dropFirst())
            guard resolve(pointer) != nil else { throw malformed(location, "'\(reference)' points at nothing") }
            node.reference = pointer
            if compiled[pointer] == nil && !pending.contains(pointer) { pending.append(pointer) }
        default:
            break  // annotations and unsupported keywords are ignored, as the specification says
        }
    }

    /// Compiles every schema that a `$ref` points at (and the ones those point at).
    mutating func resolvePendingReferences() throws {
        while let pointer = pending.popLast() {
            guard compiled[pointer] == nil, let target = resolve(pointer) else { continue }
            compiled[pointer] = SchemaNode()  // placeholder against cycles
            compiled[pointer] = try compile(target, at: pointer)
        }
    }

    private func resolve(_ pointer: String) -> JSONValue? {
        var current = document
        guard !pointer.isEmpty else { return current }
        guard pointer.hasPrefix("/") else { return nil }
        for raw in pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false) {
            let token = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            switch current {
            case .object(let members):
                guard let next = members[token] else { return nil }
                current = next
            case .array(let list):
                guard let index = Int(token), list.indices.contains(index) else { return nil }
                current = list[index]
            default: return nil
            }
        }
        return current
    }

    private static func escape(_ name: String) -> String {
        name.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    private func number(_ value: JSONValue, _ location: String) throws -> Double {
        guard case .number(let number) = value else { throw malformed(location, "must be a number") }
        return number
    }

    private func count(_ value: JSONValue, _ location: String) throws -> Int {
        guard case .number(let number) = value, number >= 0, number.rounded() == number, number < 1e15 else {
            throw malformed(location, "must be a non-negative integer")
        }
        return Int(number)
    }

    private func regex(_ pattern: String, _ location: String) throws -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: pattern)
        } catch {
            throw malformed(location, "'\(pattern)' is not a valid regular expression")
        }
    }
}

extension String {
    fileprivate func dropLastComponent() -> String {
        guard let slash = lastIndex(of: "/") else { return "" }
        return String(self[..<slash])
    }
}
