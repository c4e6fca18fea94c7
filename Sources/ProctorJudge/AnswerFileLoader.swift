import Foundation
import ProctorCore

/// Loads answer files into an `AnswerSet`. Three layouts, told apart by their content:
///
/// - **IFT annotated files** (`proctor ift --out`): a JSON array of entries with `instruction`,
///   `input`, `output` (the reference) and `model_response`; the model is the file name
///   without `-responses.json`.
/// - **FastChat** `model_answer/*.jsonl`: lines with `question_id`, `model_id` and
///   `choices[0].turns`; the questions come from a `question.jsonl` (`--questions`), the
///   references from an optional `reference_answer/*.jsonl`.
/// - **Plain** JSON array or JSONL of `{"id"?, "question", "reference"?, "answer", "model"?}`,
///   one file per model (the model from `model` or the file name).
public enum AnswerFileLoader {
    public static func load(
        answerFiles: [String], questionsFile: String? = nil, referencesFile: String? = nil
    )
        throws -> AnswerSet
    {
        var questions: [JudgeQuestion]? = try questionsFile.map { try loadQuestions($0) }
        if let referencesFile, var loaded = questions {
            let references = try loadFastChatAnswers(referencesFile).answers
            for index in loaded.indices { loaded[index].references = references[loaded[index].id] }
            questions = loaded
        }
        var models: [String] = []
        var answers: [String: [String: [String]]] = [:]
        var files: [String: String] = [:]
        var firstFile: String?
        for path in answerFiles {
            let records = try readRecords(path)
            guard let first = records.first?.object else {
                throw ProctorError.invalidValue("answers", "the file holds no answers", file: path)
            }
            let model: String
            var mine: [String: [String]] = [:]
            if first["question_id"] != nil, first["choices"] != nil {
                let loaded = try loadFastChatAnswers(path, records: records)
                model = loaded.model
                mine = loaded.answers
                guard questions != nil else {
                    throw ProctorError.invalidArgument(
                        "\(path) is a FastChat answer file; give its questions with --questions question.jsonl",
                        field: "questions")
                }
            } else {
                let fallbackName = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
                    .replacingOccurrences(of: "-responses", with: "")
                let loaded = try loadPlain(path, records: records, fallbackName: fallbackName)
                model = loaded.model
                mine = loaded.answers
                if let existing = questions {
                    try checkSameQuestions(existing, loaded.questions, path: path, first: firstFile ?? path)
                    // Same questions in the same order, numbered differently (an IFT run's file
                    // keeps each item's index in the whole dataset, the book's test file counts
                    // from 0): the first file's ids name them.
                    mine = Dictionary(
                        uniqueKeysWithValues: zip(existing, loaded.questions).compactMap { expected, found in
                            mine[found.id].map { (expected.id, $0) }
                        })
                } else {
                    questions = loaded.questions
                }
            }
            guard answers[model] == nil else {
                throw ProctorError.invalidValue("model", "two answer files for model '\(model)'", file: path)
            }
            firstFile = firstFile ?? path
            models.append(model)
            answers[model] = mine
            files[model] = path
        }
        let set = AnswerSet(questions: questions ?? [], models: models, answers: answers)
        try set.checkAligned(files: files)
        return set
    }

    struct Record {
        var object: [String: Any]
        var line: Int
    }

    /// A JSON array or JSONL file, as objects with the line each starts on.
    static func readRecords(_ path: String) throws -> [Record] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ProctorError.fileNotFound(path, what: "answer file")
        }
        let text = String(decoding: data, as: UTF8.self)
        if text.drop(while: \.isWhitespace).first == "[" {
            let array: [Any]
            do {
                guard let parsed = try JSONSerialization.jsonObject(with: data) as? [Any] else {
                    throw CocoaError(.coderReadCorrupt)
                }
                array = parsed
            } catch {
                throw ProctorError.invalidJSON(file: path, line: nil, detail: "\(error)")
            }
            let bytes = Array(data)
            let offsets = JSONLocator.topLevelElementOffsets(bytes)
            let locator = JSONLocator(bytes)
            return try array.enumerated().map { index, element in
                let line = index < offsets.count ? locator.line(ofOffset: offsets[index]) : nil
                guard let object = element as? [String: Any] else {
                    throw ProctorError.invalidValue("entry", "not a JSON object", file: path, line: line, index: index)
                }
                return Record(object: object, line: line ?? 0)
            }
        }
        var records: [Record] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [String: Any] else {
                throw ProctorError.invalidJSON(file: path, line: number + 1, detail: "a line that is not a JSON object")
            }
            records.append(Record(object: object, line: number + 1))
        }
        return records
    }

    /// FastChat's question.jsonl: `question_id`, `category`, `turns`, optional `reference`.
    public static func loadQuestions(_ path: String) throws -> [JudgeQuestion] {
        try readRecords(path).map { record in
            guard let id = record.object["question_id"].map(idString) else {
                throw ProctorError.missingField("question_id", file: path, line: record.line)
            }
            guard let turns = record.object["turns"] as? [String], !turns.isEmpty else {
                throw ProctorError.missingField("turns", file: path, line: record.line)
            }
            return JudgeQuestion(
                id: id, category: record.object["category"] as? String, turns: turns,
                references: record.object["reference"] as? [String])
        }
    }

    /// FastChat reference answers (`reference_answer/*.jsonl`): question id -> answer per turn.
    public static func loadReferences(_ path: String) throws -> [String: [String]] {
        try loadFastChatAnswers(path).answers
    }

    static func loadFastChatAnswers(
        _ path: String, records: [Record]? = nil
    ) throws -> (
        model: String, answers: [String: [String]]
    ) {
        var model = ""
        var answers: [String: [String]] = [:]
        for record in try records ?? readRecords(path) {
            guard let id = record.object["question_id"].map(idString) else {
                throw ProctorError.missingField("question_id", file: path, line: record.line)
            }
            guard let choices = record.object["choices"] as? [[String: Any]],
                let turns = choices.first?["turns"] as? [String]
            else { throw ProctorError.missingField("choices[0].turns", file: path, line: record.line) }
            let name = record.object["model_id"] as? String ?? ""
            if model.isEmpty { model = name }
            if !name.isEmpty && name != model {
                throw ProctorError.invalidValue(
                    "model_id", "'\(name)' in a file of '\(model)'; give one model per file", file: path,
                    line: record.line)
            }
            if answers[id] != nil {
                throw ProctorError.invalidValue(
                    "question_id", "question \(id) answered twice", file: path, line: record.line)
            }
            answers[id] = turns
        }
        if model.isEmpty { model = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent }
        return (model, answers)
    }

    static func loadPlain(
        _ path: String, records: [Record], fallbackName: String
    ) throws -> (
        model: String, questions: [JudgeQuestion], answers: [String: [String]]
    ) {
        var questions: [JudgeQuestion] = []
        var answers: [String: [String]] = [:]
        var model: String?
        for (index, record) in records.enumerated() {
            let object = record.object
            let question: String
            let reference: String?
            let answer: String
            let id: String
            if let instruction = object["instruction"] as? String {
                // An IFT annotated entry: the judge sees the Alpaca-formatted instruction.
                let item = InstructionItem(
                    instruction: instruction, input: object["input"] as? String ?? "",
                    output: object["output"] as? String ?? "", sourceIndex: object["index"] as? Int ?? index)
                question = AlpacaPrompt.formatInput(item)
                reference = item.output
                answer = object["model_response"] as? String ?? ""
                id = String(item.sourceIndex)
            } else {
                guard let text = object["question"] as? String else {
                    throw ProctorError.missingField("question", file: path, line: record.line, index: index)
                }
                guard let given = object["answer"] as? String else {
                    throw ProctorError.missingField("answer", file: path, line: record.line, index: index)
                }
                question = text
                reference = object["reference"] as? String
                answer = given
                id = object["id"].map(idString) ?? String(index)
                if let name = object["model"] as? String { model = model ?? name }
            }
            if answers[id] != nil {
                throw ProctorError.invalidValue("id", "item \(id) appears twice", file: path, line: record.line)
            }
            questions.append(JudgeQuestion(id: id, turns: [question], references: reference.map { [$0] }))
            answers[id] = [answer]
        }
        return (model ?? fallbackName, questions, answers)
    }

    /// Plain and IFT files of different models must hold the same questions in the same order
    /// (the same text; ids may differ).
    static func checkSameQuestions(
        _ expected: [JudgeQuestion], _ found: [JudgeQuestion], path: String, first: String
    )
        throws
    {
        for (index, pair) in zip(expected, found).enumerated()
        where pair.0.turns != pair.1.turns {
            throw ProctorError.invalidValue(
                "question",
                "item \(index) (id \(pair.1.id)) differs from item \(index) of \(first) (id \(pair.0.id)); "
                    + "the items do not line up across models", file: path, index: index)
        }
        if expected.count != found.count {
            throw ProctorError.invalidValue(
                "items",
                "\(found.count) items where \(first) has \(expected.count); the items do not line up across models",
                file: path)
        }
    }

    static func idString(_ value: Any) -> String {
        if let int = value as? Int { return String(int) }
        if let string = value as? String { return string }
        return "\(value)"
    }
}
