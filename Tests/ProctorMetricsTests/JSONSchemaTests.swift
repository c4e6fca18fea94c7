import ProctorCore
import Testing

@testable import ProctorMetrics

@Suite("JSON parsing and JSON Schema validation")
struct JSONSchemaTests {
    func schema(_ text: String) throws -> JSONSchema { try JSONSchema(text: text, file: "test.schema.json") }

    func valid(_ schema: JSONSchema, _ json: String) throws -> Bool {
        schema.validates(try JSONParser.parse(json))
    }

    @Test func strictParser() throws {
        for good in ["{}", "[1, -2.5e3, true, null]", "\"a\\u00e9\\ud83d\\ude00\"", " 0 ", "{\"a\":{\"b\":[]}}"] {
            #expect(throws: Never.self) { try JSONParser.parse(good) }
        }
        for bad in ["", "{", "[1,]", "{'a':1}", "NaN", "01", "1.", "\"tab\there\"", "{\"a\" 1}", "[1] x", "tru"] {
            #expect(throws: JSONParser.Failure.self) { try JSONParser.parse(bad) }
        }
        #expect(try JSONParser.parse("\"\\u00e9\\ud83d\\ude00\"") == .string("é😀"))
        #expect(try JSONParser.parse("{\"a\":1,\"a\":2}") == .object(["a": .number(2)]))
    }

    @Test func typesAndObjects() throws {
        let person = try schema(
            """
            {"type": "object", "required": ["name", "age"],
             "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 5},
                            "age": {"type": "integer", "minimum": 0, "maximum": 150},
                            "email": {"type": "string", "pattern": "@"}},
             "additionalProperties": false}
            """)
        #expect(try valid(person, #"{"name": "Ann", "age": 30}"#))
        #expect(try valid(person, #"{"name": "Ann", "age": 30.0}"#))  // 30.0 is an integer in JSON Schema
        #expect(try !valid(person, #"{"name": "Ann", "age": 30.5}"#))
        #expect(try !valid(person, #"{"name": "Ann"}"#))
        #expect(try !valid(person, #"{"name": "", "age": 1}"#))
        #expect(try valid(person, #"{"name": "😀😀😀😀😀", "age": 1}"#))  // lengths count code points
        #expect(try !valid(person, #"{"name": "Ann", "age": -1}"#))
        #expect(try !valid(person, #"{"name": "Ann", "age": 1, "x": 1}"#))
        #expect(try valid(person, #"{"name": "Ann", "age": 1, "email": "a@b"}"#))
        #expect(try !valid(person, #"{"name": "Ann", "age": 1, "email": "ab"}"#))
        #expect(try !valid(person, "[]"))
    }

    @Test func arraysEnumsAndConst() throws {
        let list = try schema(
            #"{"type": "array", "items": {"enum": ["a", "b", 1]}, "minItems": 1, "maxItems": 3, "uniqueItems": true}"#)
        #expect(try valid(list, #"["a", 1]"#))
        #expect(try valid(list, #"["a", 1.0]"#))
        #expect(try !valid(list, "[]"))
        #expect(try !valid(list, #"["a", "a"]"#))
        #expect(try !valid(list, #"["c"]"#))
        #expect(try !valid(list, #"[true]"#))  // true is not 1
        let tuple = try schema(#"{"prefixItems": [{"type": "string"}, {"type": "number"}], "items": false}"#)
        #expect(try valid(tuple, #"["x", 2]"#))
        #expect(try !valid(tuple, #"["x", 2, 3]"#))
        let draft7Tuple = try schema(#"{"items": [{"const": 1}], "additionalItems": {"type": "string"}}"#)
        #expect(try valid(draft7Tuple, #"[1, "a"]"#))
        #expect(try !valid(draft7Tuple, #"[1, 2]"#))
        #expect(try valid(try schema(#"{"const": {"a": [1, null]}}"#), #"{"a": [1.0, null]}"#))
    }

    @Test func combinatorsNumbersAndReferences() throws {
        let either = try schema(#"{"anyOf": [{"type": "string"}, {"type": "number", "exclusiveMinimum": 0}]}"#)
        #expect(try valid(either, #""x""#))
        #expect(try !valid(either, "0"))
        let exactlyOne = try schema(#"{"oneOf": [{"multipleOf": 3}, {"multipleOf": 5}]}"#)
        #expect(try valid(exactlyOne, "9"))
        #expect(try !valid(exactlyOne, "15"))
        let all = try schema(#"{"allOf": [{"minimum": 1}, {"maximum": 2}], "not": {"const": 1.5}}"#)
        #expect(try valid(all, "2"))
        #expect(try !valid(all, "1.5"))
        #expect(try !valid(all, "3"))
        let tree = try schema(
            ##"{"$defs": {"node": {"type": "object", "properties": {"kids": {"type": "array", "items": {"$ref": "#/$defs/node"}}}, "required": ["v"]}}, "$ref": "#/$defs/node"}"##
        )
        #expect(try valid(tree, #"{"v": 1, "kids": [{"v": 2, "kids": []}]}"#))
        #expect(try !valid(tree, #"{"v": 1, "kids": [{"kids": []}]}"#))
        #expect(try valid(try schema("true"), "[1]"))
        #expect(try !valid(try schema("false"), "[1]"))
    }

    @Test(arguments: [
        (#"{"type": "strnig"}"#, "/type"),
        (#"{"properties": {"a": {"minimum": "zero"}}}"#, "/properties/a/minimum"),
        (#"{"required": "name"}"#, "/required"),
        (#"{"pattern": "("}"#, "/pattern"),
        (#"{"anyOf": []}"#, "/anyOf"),
        (#"{"maxLength": -1}"#, "/maxLength"),
        (##"{"$ref": "#/$defs/missing"}"##, "/$ref"),
        (#"{"$ref": "http://example.com/s.json"}"#, "/$ref"),
        (#"{"items": 3}"#, "/items"),
        ("[1, 2]", "/"),
    ])
    func malformedSchemaNamesTheKeyword(_ text: String, _ location: String) {
        #expect {
            try JSONSchema(text: text, file: "bad.schema.json")
        } throws: { error in
            let description = String(describing: error)
            return (error as? ProctorError) == .invalidValue && description.contains("bad.schema.json")
                && description.contains("'\(location)'") && description.contains("invalid JSON Schema")
        }
    }

    @Test func schemaThatIsNotJSONNamesTheLine() {
        #expect {
            try JSONSchema(text: "{\n  \"type\": \"object\",\n}", file: "broken.json")
        } throws: { error in
            (error as? ProctorError) == .invalidJSON && String(describing: error).hasPrefix("broken.json:3:")
        }
    }

    @Test func formatComplianceAcceptsOneJSONFence() throws {
        #expect(FormatCompliance.extractJSON("  {\"a\": 1}\n") == .object(["a": .number(1)]))
        #expect(FormatCompliance.extractJSON("```json\n{\"a\": 1}\n```") == .object(["a": .number(1)]))
        #expect(FormatCompliance.extractJSON("```JSON\n[1]\n```\n") == .array([.number(1)]))
        #expect(FormatCompliance.extractJSON("```\n[1]\n```") == .array([.number(1)]))
        #expect(FormatCompliance.extractJSON("```python\n[1]\n```") == nil)
        #expect(FormatCompliance.extractJSON("Here it is: {\"a\": 1}") == nil)
        #expect(FormatCompliance.extractJSON("") == nil)
        let metric = JSONSchemaMetric(schema: try schema(#"{"type": "object", "required": ["a"]}"#))
        let report = try metric.evaluate(
            predictions: ["{\"a\": 1}", "{\"b\": 1}", "nope", "```json\n{\"a\":2}\n```"], references: nil)
        #expect(report.items == [[1, 1], [1, 0], [0, 0], [1, 1]])
        #expect(report.value("schema_valid") == 0.5)
        #expect(report.value("json_valid") == 0.75)
    }
}
