import Foundation
import ProctorCore
import Testing

@testable import ProctorBench

/// Task-file parsing and every bad-input error: each names the file, and the line or field.
@Suite struct TaskFileTests {
    static let minimal = """
        task: tiny
        dataset:
          path: tiny/rows.jsonl
        doc_to_text: "Question: {{question.stem}}\\nAnswer:"
        doc_to_choice: "{{question.choices[].text}}"
        doc_to_target: "{{question.choices.label | index_of: answerKey}}"
        metric_list:
          - metric: acc
          - metric: acc_norm
        """

    static let rows = """
        {"question": {"stem": "Q1", "choices": [{"text": "x", "label": "A"}, {"text": "y", "label": "B"}]}, "answerKey": "B"}
        {"question": {"stem": "Q2", "choices": [{"text": "u", "label": "A"}, {"text": "v", "label": "B"}]}, "answerKey": "A"}
        """

    @Test func parsesDefaultsAndNestedFieldPaths() throws {
        let file = try Fixture.taskFile(Self.minimal, path: "tiny.yaml")
        let definition = try #require(file.tasks.first)
        #expect(definition.name == "tiny")
        #expect(definition.outputType == .multipleChoice)
        #expect(definition.targetDelimiter == " ")
        #expect(definition.fewshotDelimiter == "\n\n")
        #expect(definition.fewshotSeed == 1234)
        #expect(definition.dataset.format == .jsonl)
        #expect(definition.metrics.map(\.name) == ["acc", "acc_norm"])
        let task = try BenchTask(definition: definition, rows: try Fixture.rows(Self.rows))
        #expect(task.instances[0].context == "Question: Q1\nAnswer:")
        #expect(task.documents.map(\.goldIndices) == [[1], [0]])
    }

    @Test func yamlSyntaxErrorNamesFileAndLine() throws {
        let error = try #require(throws: ProctorError.self) {
            try Fixture.taskFile("task: x\ndataset:\n  path: [unclosed\ndoc_to_text: y\n", path: "broken.yaml")
        }
        #expect(error == .invalidValue)
        #expect(error.file == "broken.yaml")
        #expect(error.line != nil)
        #expect(error.description.hasPrefix("broken.yaml:"))
        #expect(error.description.contains("YAML syntax error"))
    }

    @Test func unknownSettingNamesLineAndSuggests() throws {
        let yaml = Self.minimal + "\nnum_fewshots: 3\n"
        let error = try #require(throws: ProctorError.self) { try Fixture.taskFile(yaml, path: "typo.yaml") }
        #expect(error.file == "typo.yaml")
        #expect(error.line == 10)
        #expect(error.field == "num_fewshots")
        #expect(error.description.contains("did you mean 'num_fewshot'"))
    }

    @Test func missingRequiredSettingIsNamed() throws {
        let error = try #require(throws: ProctorError.self) {
            try Fixture.taskFile("dataset: {path: a.jsonl}\ndoc_to_text: x\n", path: "nameless.yaml")
        }
        #expect(error == .missingField)
        #expect(error.field == "task")
        #expect(error.file == "nameless.yaml")
    }

    @Test func unknownMetricAndFilterAreRejected() throws {
        let metric = try #require(throws: ProctorError.self) {
            try Fixture.taskFile(Self.minimal.replacingOccurrences(of: "acc_norm", with: "acc_nrom"), path: "m.yaml")
        }
        #expect(metric.description.contains("acc_nrom"))
        #expect(metric.description.contains("did you mean acc_norm"))
        let filter = try #require(throws: ProctorError.self) {
            try Fixture.taskFile(
                Self.minimal.replacingOccurrences(of: "| index_of:", with: "| indexof:"), path: "f.yaml")
        }
        #expect(filter == .invalidTemplate)
        #expect(filter.description.contains("unknown filter 'indexof'"))
        #expect(filter.description.contains("index_of"))
        #expect(filter.file?.hasPrefix("f.yaml:") == true)
    }

    @Test func templateFieldMissingFromTheDatasetNamesTheTaskFileAndField() throws {
        let yaml = Self.minimal.replacingOccurrences(of: "{{question.stem}}", with: "{{question.stm}}")
        let file = try Fixture.taskFile(yaml, path: "tasks/tiny.yaml")
        let error = try #require(throws: ProctorError.self) {
            try BenchTask(definition: file.tasks[0], rows: try Fixture.rows(Self.rows, file: "data/tiny.jsonl"))
        }
        #expect(error == .invalidTemplate)
        #expect(error.field == "question.stm")
        #expect(error.file == "tasks/tiny.yaml:4")
        #expect(error.description.contains("doc_to_text"))
        #expect(error.description.contains("stem, choices"))
    }

    @Test func rowMissingAFieldNamesTheDataFileAndLine() throws {
        let file = try Fixture.taskFile(Self.minimal, path: "tiny.yaml")
        let rows = Self.rows + "\n\n" + #"{"question": {"choices": [{"text": "u", "label": "A"}]}, "answerKey": "A"}"#
        let error = try #require(throws: ProctorError.self) {
            try BenchTask(definition: file.tasks[0], rows: try Fixture.rows(rows, file: "data/tiny.jsonl"))
        }
        #expect(error == .missingField)
        #expect(error.file == "data/tiny.jsonl")
        #expect(error.line == 4)
        #expect(error.field == "question.stem")
    }

    @Test func badTargetNamesTheRow() throws {
        let file = try Fixture.taskFile(Self.minimal, path: "tiny.yaml")
        let rows = Self.rows.replacingOccurrences(of: #""answerKey": "A""#, with: #""answerKey": "E""#)
        let error = try #require(throws: ProctorError.self) {
            try BenchTask(definition: file.tasks[0], rows: try Fixture.rows(rows, file: "data/tiny.jsonl"))
        }
        #expect(error.file == "data/tiny.jsonl")
        #expect(error.line == 2)
        #expect(error.description.contains("'E'"))
    }

    @Test func invalidJSONRowNamesFileAndLine() throws {
        let error = try #require(throws: ProctorError.self) {
            try Fixture.rows("{\"a\": 1}\n{\"a\": 2,}\n", file: "bad.jsonl")
        }
        #expect(error == .invalidJSON)
        #expect(error.file == "bad.jsonl")
        #expect(error.line == 2)
    }

    @Test func csvRowWithWrongFieldCountNamesTheLine() throws {
        let error = try #require(throws: ProctorError.self) {
            try DatasetLoader.csv(
                "q,a,b,c,d,A\n\"multi\nline\",a,b,c,d,A\nshort,a\n", file: "x.csv",
                columns: ["question", "A", "B", "C", "D", "answer"])
        }
        #expect(error.file == "x.csv")
        #expect(error.line == 4)
    }

    @Test func unknownTaskNameListsCloseMatches() throws {
        let catalog = try TaskCatalog.builtIn()
        let error = try #require(throws: ProctorError.self) { try catalog.resolve(["arc_esy"]) }
        #expect(error == .invalidArgument)
        #expect(error.description.contains("unknown task 'arc_esy'"))
        #expect(error.description.contains("arc_easy"))
        let subject = try #require(throws: ProctorError.self) { try catalog.resolve(["mmlu_anatomyy"]) }
        #expect(subject.description.contains("mmlu_anatomy"))
    }

    @Test func resolveExpandsGroupsInOrder() throws {
        let catalog = try TaskCatalog.builtIn()
        let selection = try catalog.resolve(["mmlu", "arc_easy", "mmlu_anatomy"])
        #expect(selection.tasks.count == 58)
        #expect(selection.tasks.first?.name == "mmlu_formal_logic")
        #expect(selection.tasks.last?.name == "arc_easy")
        #expect(
            selection.groups.map(\.name) == [
                "mmlu", "mmlu_humanities", "mmlu_other", "mmlu_social_sciences", "mmlu_stem",
            ])
        #expect(
            Set(catalog.names).isSuperset(of: [
                "arc_easy", "arc_challenge", "mmlu", "hellaswag", "piqa", "truthfulqa_mc1", "truthfulqa_mc2", "gsm8k",
            ]))
    }

    @Test func taskFilePathsResolveAndOverride() throws {
        let folder = Fixture.temporaryDirectory()
        let path = folder + "/arc_easy.yaml"
        try Self.minimal.replacingOccurrences(of: "task: tiny", with: "task: arc_easy").write(
            toFile: path, atomically: true, encoding: .utf8)
        var catalog = try TaskCatalog.builtIn()
        let selection = try catalog.resolve([path])
        #expect(selection.tasks.map(\.sourceFile) == [path])
        try catalog.add(contentsOf: folder)
        #expect(catalog.task(named: "arc_easy")?.sourceFile == path)
        #expect(throws: ProctorError.fileNotFound) { try catalog.add(contentsOf: folder + "/missing.yaml") }
    }

    @Test func limitAndFewshotValidation() throws {
        #expect(throws: ProctorError.invalidArgument) { try BenchTask.validate(limit: 0, numFewshot: nil) }
        #expect(throws: ProctorError.invalidArgument) { try BenchTask.validate(limit: nil, numFewshot: -1) }
        try BenchTask.validate(limit: 1, numFewshot: 0)
        let file = try Fixture.taskFile(Self.minimal)
        let task = try BenchTask(definition: file.tasks[0], rows: try Fixture.rows(Self.rows), limit: 1)
        #expect(task.documents.count == 1)
        #expect(task.originalCount == 2)
        let tooMany = try #require(throws: ProctorError.self) {
            try BenchTask(definition: file.tasks[0], rows: try Fixture.rows(Self.rows), numFewshot: 5)
        }
        #expect(tooMany.field == "num_fewshot")
    }

    @Test func fewshotFromTheSameFileSkipsTheDocumentItself() throws {
        let yaml = Self.minimal + "\nnum_fewshot: 1\nfewshot_sampler: first_n\n"
        let file = try Fixture.taskFile(yaml)
        let task = try BenchTask(definition: file.tasks[0], rows: try Fixture.rows(Self.rows))
        #expect(task.instances[0].prefix == "Question: Q2\nAnswer: u\n\n")
        #expect(task.instances[1].prefix == "Question: Q1\nAnswer: y\n\n")
    }
}
