import ProctorCore

/// One evaluation document after `process_docs`, with its rendered prompt, choices and target.
public struct BenchDocument: Sendable, Hashable {
    /// 0-based position in the evaluated file (lm-eval's `doc_id`).
    public var docID: Int
    public var fields: JSONValue
    public var file: String
    public var line: Int
    /// `doc_to_text`: the question part of the prompt, without few-shot examples.
    public var prompt: String
    /// `doc_to_choice` (multiple-choice tasks).
    public var choices: [String]
    /// Indices of the correct choices (multiple-choice tasks; usually one).
    public var goldIndices: [Int]
    /// TruthfulQA MC2's 0/1 labels, one per choice.
    public var labels: [Int]?
    /// The target as text: the gold choice, the reference answer, or the text to score.
    public var target: String
}

/// What one document asks of the model.
public enum BenchRequest: Sendable, Hashable {
    /// One request per choice (or one for `loglikelihood` tasks); send them in one call.
    case loglikelihood([LoglikelihoodRequest])
    /// Generate from the context until a stop sequence.
    case generation(GenerationRequest)
    /// The rolling loglikelihood of a whole text.
    case rolling(String)
}

/// What the model answered to a `BenchRequest`.
public enum BenchResponse: Sendable, Hashable {
    case loglikelihood([LoglikelihoodResult])
    case generation(String)
    case rolling(RollingLoglikelihoodResult)
}

/// One document's request, ready to send.
public struct BenchInstance: Sendable, Hashable {
    public var task: String
    public var docID: Int
    /// The description and few-shot block. For `first_n` few-shot tasks (MMLU) it is the
    /// same text for every document of the task, so an engine can evaluate it once.
    public var prefix: String
    /// `prefix` followed by the document's prompt: the full context of every request.
    public var context: String
    public var request: BenchRequest
}

extension BenchDocument {
    /// Renders a row's templates into a document. Errors say which template and field, and
    /// name the task file when the field is missing from the first row (a template mistake)
    /// or the data file and line when a later row lacks it (a data mistake).
    static func make(row: DatasetRow, docID: Int, definition: TaskDefinition, isFirstRow: Bool) throws -> BenchDocument
    {
        var fields = row.fields
        func attempt<T>(_ key: String, _ body: () throws(TemplateError) -> T) throws -> T {
            do {
                return try body()
            } catch {
                throw definition.templateError(key: key, error: error, row: row, isFirstRow: isFirstRow)
            }
        }
        for derived in definition.processDocs {
            var value = try attempt("process_docs") { () throws(TemplateError) in try derived.template.evaluate(fields)
            }
            if let filters = derived.filters {
                value = try attempt("process_docs") { () throws(TemplateError) in
                    try filters.evaluate(.object([("__value", value)]))
                }
            }
            if case .object(var pairs) = fields {
                pairs.removeAll { $0.0 == derived.name }
                pairs.append((derived.name, value))
                fields = .object(pairs)
            }
        }
        let prompt = try attempt("doc_to_text") { () throws(TemplateError) in try definition.docToText.render(fields) }
        var choices: [String] = []
        switch definition.docToChoice {
        case .template(let template)?:
            let value = try attempt("doc_to_choice") { () throws(TemplateError) in try template.evaluate(fields) }
            guard case .array(let items) = value else {
                throw ProctorError.invalidValue(
                    "doc_to_choice", "'\(template.source)' gave \(value.kindName), not a list of choices",
                    file: row.file,
                    line: row.line)
            }
            choices = items.map(\.displayText)
        case .list(let templates)?:
            for template in templates {
                choices.append(try attempt("doc_to_choice") { () throws(TemplateError) in try template.render(fields) })
            }
        case nil: break
        }
        let targetValue = try attempt("doc_to_target") { () throws(TemplateError) in
            try definition.docToTarget.evaluate(fields)
        }
        var document = BenchDocument(
            docID: docID, fields: fields, file: row.file, line: row.line, prompt: prompt, choices: choices,
            goldIndices: [], labels: nil, target: targetValue.displayText)
        if definition.outputType == .multipleChoice {
            try document.resolveGold(targetValue, definition: definition)
        }
        return document
    }

    private mutating func resolveGold(_ value: JSONValue, definition: TaskDefinition) throws {
        func bad(_ detail: String) -> ProctorError {
            ProctorError.invalidValue("doc_to_target", detail, file: file, line: line)
        }
        if definition.resultProcessor == .mc2 {
            guard case .array(let items) = value, items.count == choices.count,
                let flags = Optional(items.compactMap(\.intValue)), flags.count == items.count
            else { throw bad("mc2 needs one 0/1 label per choice, got '\(value.displayText)'") }
            labels = flags
            goldIndices = flags.enumerated().filter { $0.element == 1 }.map(\.offset)
            target = goldIndices.first.map { choices[$0] } ?? ""
            return
        }
        var indices: [Int]
        switch value {
        case .array(let items):
            indices = try items.map { item in
                guard let index = item.intValue else {
                    throw bad("target list must hold indices, got '\(item.displayText)'")
                }
                return index
            }
        case .string(let text):
            if let index = Int(text) {
                indices = [index]
            } else if let index = choices.firstIndex(of: text) {
                indices = [index]
            } else {
                throw bad("target '\(text)' is neither an index nor one of the choices \(choices)")
            }
        default:
            guard let index = value.intValue else { throw bad("target '\(value.displayText)' is not an index") }
            indices = [index]
        }
        for index in indices where index < 0 || index >= choices.count {
            throw bad("target index \(index) is out of range for \(choices.count) choices")
        }
        goldIndices = indices
        target = choices[indices[0]]
    }

    /// The answer text a few-shot example shows after the target delimiter.
    var fewshotAnswer: String { target }
}

extension TaskDefinition {
    func templateError(key: String, error: TemplateError, row: DatasetRow, isFirstRow: Bool) -> ProctorError {
        switch error {
        case .missingField(let field, let available) where isFirstRow:
            let list = available.isEmpty ? "" : "; the rows have: \(available.joined(separator: ", "))"
            return ProctorError.invalidTemplate(
                "\(key) of task '\(name)' uses field '\(field)', which the rows of \(row.file) do not have\(list)",
                file: location(of: key), field: field)
        case .missingField(let field, _):
            return ProctorError.missingField(field, file: row.file, line: row.line)
        case .badValue(let detail), .syntax(let detail):
            return ProctorError.invalidValue(key, detail, file: row.file, line: row.line)
        }
    }
}
