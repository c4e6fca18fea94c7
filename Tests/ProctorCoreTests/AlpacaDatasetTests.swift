import Foundation
import ProctorCore
import Testing

/// Writes a fixture file in a fresh temporary folder.
func fixture(_ name: String, _ text: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("proctor-tests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Suite struct AlpacaDatasetTests {
    @Test func loadsArrayWithOptionalInput() throws {
        let path = try fixture(
            "data.json",
            """
            [
                {"instruction": "Say hi.", "input": "", "output": "Hi."},
                {"instruction": "Add.", "input": "2+2", "output": "4", "extra": 1},
                {"instruction": "No input key.", "output": "Fine."}
            ]
            """)
        let items = try AlpacaDataset(path: path).load()
        #expect(items.count == 3)
        #expect(items[1] == InstructionItem(instruction: "Add.", input: "2+2", output: "4", sourceIndex: 1))
        #expect(items[2].input == "")
    }

    @Test func loadsJSONL() throws {
        let path = try fixture(
            "data.jsonl", "{\"instruction\": \"a\", \"output\": \"b\"}\n\n{\"instruction\": \"c\", \"output\": \"d\"}\n"
        )
        let items = try AlpacaDataset(path: path).load()
        #expect(items.map(\.instruction) == ["a", "c"])
        #expect(items.map(\.sourceIndex) == [0, 1])
    }

    @Test func missingFile() {
        let error = #expect(throws: ProctorError.self) { try AlpacaDataset(path: "/nonexistent/data.json").load() }
        #expect(error == .fileNotFound)
        #expect(error?.file == "/nonexistent/data.json")
    }

    @Test func invalidJSONNamesTheLine() throws {
        let path = try fixture(
            "bad.json",
            "[\n  {\"instruction\": \"a\", \"output\": \"b\"},\n  {\"instruction\": \"c\",, \"output\": 1}\n]")
        let error = #expect(throws: ProctorError.self) { try AlpacaDataset(path: path).load() }
        #expect(error == .invalidJSON)
        #expect(error?.line == 3)
        #expect(error?.description.hasPrefix("\(path):3: invalid JSON") == true)
    }

    @Test func entryWithoutInstructionNamesIndexLineAndField() throws {
        let path = try fixture(
            "missing.json",
            """
            [
              {"instruction": "a", "output": "b"},
              {"instruction": "c", "output": "d"},
              {
                "input": "x",
                "output": "y"
              }
            ]
            """)
        let error = #expect(throws: ProctorError.self) { try AlpacaDataset(path: path).load() }
        #expect(error == .missingField)
        #expect(error?.field == "instruction")
        #expect(error?.line == 4)
        #expect(error?.description.contains("entry 2") == true)
    }

    @Test func entryWithoutOutputInJSONL() throws {
        let path = try fixture(
            "missing.jsonl", "{\"instruction\": \"a\", \"output\": \"b\"}\n{\"instruction\": \"c\"}\n")
        let error = #expect(throws: ProctorError.self) { try AlpacaDataset(path: path).load() }
        #expect(error?.field == "output")
        #expect(error?.line == 2)
    }

    @Test func nonStringFieldIsRejected() throws {
        let path = try fixture("types.json", "[{\"instruction\": [1], \"output\": \"b\"}]")
        let error = #expect(throws: ProctorError.self) { try AlpacaDataset(path: path).load() }
        #expect(error == .invalidValue)
        #expect(error?.field == "instruction")
    }
}

@Suite struct InstructionSplitTests {
    @Test func bookProportionsInFileOrder() {
        let items = Array(0..<1100)
        #expect(InstructionSplit.train.select(items) == Array(0..<935))
        #expect(InstructionSplit.test.select(items) == Array(935..<1045))
        #expect(InstructionSplit.validation.select(items) == Array(1045..<1100))
        #expect(InstructionSplit.all.select(items) == items)
    }

    @Test func seededShuffleIsDeterministicAndDisjoint() {
        let items = Array(0..<200)
        let a = InstructionSplit.test.select(items, shuffleSeed: 42)
        #expect(a == InstructionSplit.test.select(items, shuffleSeed: 42))
        #expect(a != InstructionSplit.test.select(items, shuffleSeed: 43))
        #expect(a != Array(170..<190))
        let train = Set(InstructionSplit.train.select(items, shuffleSeed: 42))
        #expect(train.isDisjoint(with: a))
        #expect(train.count == 170 && a.count == 20)
    }
}
