import Foundation

extension SchemaNode {
    /// Whether `value` satisfies this schema.
    func validates(_ value: JSONValue, _ registry: SchemaRegistry) -> Bool {
        if let constant { return constant }
        if let reference, let target = registry.nodes[reference], !target.validates(value, registry) { return false }
        if let types {
            let name = value.typeName
            let matches = types.contains(name) || (name == "integer" && types.contains("number"))
            if !matches { return false }
        }
        if let enumValues, !enumValues.contains(value) { return false }
        if let constValue, constValue != value { return false }
        switch value {
        case .number(let number): if !validatesNumber(number) { return false }
        case .string(let text): if !validatesString(text) { return false }
        case .array(let elements): if !validatesArray(elements, registry) { return false }
        case .object(let members): if !validatesObject(members, registry) { return false }
        default: break
        }
        for child in allOf where !child.validates(value, registry) { return false }
        if !anyOf.isEmpty && !anyOf.contains(where: { $0.validates(value, registry) }) { return false }
        if !oneOf.isEmpty && oneOf.filter({ $0.validates(value, registry) }).count != 1 { return false }
        if let not, not.validates(value, registry) { return false }
        return true
    }

    private func validatesNumber(_ number: Double) -> Bool {
        if let minimum, number < minimum { return false }
        if let maximum, number > maximum { return false }
        if let exclusiveMinimum, number <= exclusiveMinimum { return false }
        if let exclusiveMaximum, number >= exclusiveMaximum { return false }
        if let multipleOf {
            let quotient = number / multipleOf
            if quotient.isFinite && quotient.rounded() != quotient { return false }
        }
        return true
    }

    private func validatesString(_ text: String) -> Bool {
        if minLength != nil || maxLength != nil {
            let length = text.unicodeScalars.count
            if let minLength, length < minLength { return false }
            if let maxLength, length > maxLength { return false }
        }
        if let pattern, !Self.search(pattern, text) { return false }
        return true
    }

    private static func search(_ pattern: NSRegularExpression, _ text: String) -> Bool {
        pattern.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    private func validatesArray(_ elements: [JSONValue], _ registry: SchemaRegistry) -> Bool {
        if let minItems, elements.count < minItems { return false }
        if let maxItems, elements.count > maxItems { return false }
        for (index, element) in elements.enumerated() {
            if index < prefixItems.count {
                if !prefixItems[index].validates(element, registry) { return false }
            } else if let items, !items.validates(element, registry) {
                return false
            }
        }
        if uniqueItems {
            for i in elements.indices {
                for j in elements.indices where j > i && elements[i] == elements[j] { return false }
            }
        }
        return true
    }

    private func validatesObject(_ members: [String: JSONValue], _ registry: SchemaRegistry) -> Bool {
        if let minProperties, members.count < minProperties { return false }
        if let maxProperties, members.count > maxProperties { return false }
        for name in required where members[name] == nil { return false }
        for (name, member) in members {
            var matched = false
            if let property = properties[name] {
                matched = true
                if !property.validates(member, registry) { return false }
            }
            for (pattern, schema) in patternProperties where Self.search(pattern, name) {
                matched = true
                if !schema.validates(member, registry) { return false }
            }
            if !matched, let additionalProperties, !additionalProperties.validates(member, registry) { return false }
        }
        return true
    }
}
