import Testing

@testable import ProctorBench

@Suite struct TemplateTests {
    let row: JSONValue = .object([
        ("name", "  Ada Lovelace "),
        ("subject", "high_school_us_history"),
        ("tags", ["x", "y", "z"]),
        ("targets", .object([("yes", 1), ("no", 0)])),
        ("answer", "C"),
        ("n", 2),
    ])

    @Test func pathsFiltersAndLiterals() throws {
        #expect(try Template("Hi {{name | trim | upper}}!").render(row) == "Hi ADA LOVELACE!")
        #expect(try Template("{{subject | words}}").render(row) == "high school us history")
        #expect(try Template("{{tags[0]}}{{tags[-1]}}").render(row) == "xz")
        #expect(try Template("{{targets | keys}}").evaluate(row) == ["yes", "no"])
        #expect(try Template("{{targets | values}}").evaluate(row) == [1, 0])
        #expect(try Template("{{['A', 'B', 'C'] | index_of: answer}}").evaluate(row) == 2)
        #expect(try Template("{{n | letter}}").render(row) == "C")
        #expect(try Template("{{tags | join: '-'}}").render(row) == "x-y-z")
        #expect(try Template("{{[name, answer] | trim}}").evaluate(row) == ["Ada Lovelace", "C"])
        #expect(try Template("{{'sCRAPE tHE gRATES' | capitalize}}").render(row) == "Scrape the grates")
        #expect(try Template("{{'a [x] b' | regex_replace: '\\[.*?\\]', ''}}").render(row) == "a  b")
        #expect(try Template("no placeholders").render(row) == "no placeholders")
    }

    @Test func missingFieldsAndSyntaxErrors() throws {
        #expect(
            throws: TemplateError.missingField(
                field: "nam", available: ["name", "subject", "tags", "targets", "answer", "n"])
        ) {
            try Template("{{nam}}").render(row)
        }
        #expect(throws: TemplateError.self) { try Template("{{name") }
        #expect(throws: TemplateError.self) { try Template("{{name | shout}}") }
        #expect(throws: TemplateError.self) { try Template("{{tags | index_of: answer}}").evaluate(row) }
    }

    @Test func orderedJSONKeepsKeyOrderAndRoundTrips() throws {
        let text = #"{"b": 1, "a": [true, null, 2.5, "x\n\"y\""], "c": {"z": 0, "y": -3}}"#
        let value = try JSONValue.parse(text, file: "t.json")
        #expect(value.keys == ["b", "a", "c"])
        #expect(try JSONValue.parse(value.compactText(), file: "t.json") == value)
        #expect(try JSONValue.parse(value.prettyText(), file: "t.json") == value)
        #expect(value.compactText() == #"{"b":1,"a":[true,null,2.5,"x\n\"y\""],"c":{"z":0,"y":-3}}"#)
    }
}
