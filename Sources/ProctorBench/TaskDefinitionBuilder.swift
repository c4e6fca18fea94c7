import ProctorCore

/// Turns a task file's (variable-substituted) settings into a `TaskDefinition`, checking
/// every value and naming the file and line of the one at fault.
struct TaskDefinitionBuilder {
    let document: YAMLDocument
    let path: String
    let root: JSONValue

    static let knownMetrics: [BenchOutputType: [String]] = [
        .multipleChoice: ["acc", "acc_norm", "acc_bytes", "exact_match"],
        .generateUntil: ["exact_match"],
        .loglikelihoodRolling: ["word_perplexity", "byte_perplexity", "bits_per_byte"],
        .loglikelihood: ["acc", "perplexity"],
    ]

    private func fail(_ key: String, _ detail: String) -> ProctorError {
        ProctorError.invalidValue(
            key, detail, file: path,
            line: document.nestedLines[key] ?? document.lines[key.split(separator: ".").first.map(String.init) ?? key])
    }

    private func string(_ key: String, in value: JSONValue? = nil, default fallback: String? = nil) throws -> String {
        let item = value ?? root
        let name = key.split(separator: ".").last.map(String.init) ?? key
        guard let found = item[name], found != .null else {
            if let fallback { return fallback }
            throw ProctorError.missingField(key, file: path, line: document.lines[key])
        }
        switch found {
        case .string(let text): return text
        case .int, .double, .bool: return found.displayText
        default: throw fail(key, "expected text, got \(found.kindName)")
        }
    }

    private func template(_ key: String, _ text: String) throws -> Template {
        do {
            return try Template(text)
        } catch {
            throw ProctorError.invalidTemplate(
                "\(key): \(error.message)", file: document.lines[key].map { "\(path):\($0)" } ?? path, field: key)
        }
    }

    func build() throws -> TaskDefinition {
        let name = try string("task")
        guard let outputType = BenchOutputType(rawValue: try string("output_type", default: "multiple_choice")) else {
            throw fail(
                "output_type",
                "unknown output type; use one of \(BenchOutputType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let dataset = try datasetSpec("dataset", required: true)!
        let fewshotDataset = try datasetSpec("fewshot_dataset", required: false)
        let numFewshot = try integer("num_fewshot", default: 0)
        guard numFewshot >= 0 else { throw fail("num_fewshot", "must be 0 or more") }
        guard let sampler = FewshotSampler(rawValue: try string("fewshot_sampler", default: "random")) else {
            throw fail("fewshot_sampler", "unknown sampler; use first_n or random")
        }
        let seed = try integer("fewshot_seed", default: 1234)
        var groups: [String] = []
        if root["group"] != nil { groups.append(try string("group")) }
        if root["subgroup"] != nil { groups.append(try string("subgroup")) }

        var derived: [DerivedField] = []
        if let process = root["process_docs"] {
            guard case .object(let pairs) = process else {
                throw fail("process_docs", "expected a mapping of field: template")
            }
            for (field, spec) in pairs {
                switch spec {
                case .string(let text):
                    derived.append(
                        DerivedField(name: field, template: try template("process_docs", text), filters: nil))
                case .object:
                    let text = try string("process_docs.template", in: spec)
                    let filters = try spec["filters"].map { value -> Template in
                        try template("process_docs", "{{__value | \(value.displayText)}}")
                    }
                    derived.append(
                        DerivedField(name: field, template: try template("process_docs", text), filters: filters))
                default:
                    throw fail("process_docs", "field '\(field)' needs a template or {template, filters}")
                }
            }
        }

        let docToChoice: ChoiceSpec?
        switch root["doc_to_choice"] {
        case nil, .null?: docToChoice = nil
        case .array(let items)?: docToChoice = .list(try items.map { try template("doc_to_choice", $0.displayText) })
        case let value?: docToChoice = .template(try template("doc_to_choice", value.displayText))
        }
        if outputType == .multipleChoice && docToChoice == nil {
            throw ProctorError.missingField("doc_to_choice", file: path, line: document.lines["output_type"])
        }

        var resultProcessor: ResultProcessor? = nil
        if root["process_results"] != nil {
            guard let processor = ResultProcessor(rawValue: try string("process_results")) else {
                throw fail("process_results", "unknown result processor; the only one is mc2")
            }
            resultProcessor = processor
        }

        return TaskDefinition(
            name: name, sourceFile: path, keyLines: document.lines, alias: root["task_alias"]?.displayText,
            outputType: outputType, version: root["metadata"]?["version"] ?? .double(1.0), groups: groups,
            dataset: dataset, fewshotDataset: fewshotDataset, numFewshot: numFewshot, fewshotSampler: sampler,
            fewshotSeed: UInt64(max(0, seed)), fewshotDelimiter: try string("fewshot_delimiter", default: "\n\n"),
            targetDelimiter: try string("target_delimiter", default: " "),
            description: try string("description", default: ""), processDocs: derived,
            docToText: try template("doc_to_text", try string("doc_to_text", default: "")),
            docToChoice: docToChoice,
            docToTarget: try template("doc_to_target", try string("doc_to_target", default: "")),
            metrics: try metrics(outputType: outputType), filters: try filters(),
            generation: try generation(), resultProcessor: resultProcessor, config: configJSON(name: name))
    }

    private func integer(_ key: String, default fallback: Int) throws -> Int {
        guard let value = root[key], value != .null else { return fallback }
        guard let number = value.intValue else {
            throw fail(key, "expected a whole number, got '\(value.displayText)'")
        }
        return number
    }

    private func datasetSpec(_ key: String, required: Bool) throws -> DatasetSpec? {
        guard let value = root[key], value != .null else {
            if required { throw ProctorError.missingField(key, file: path, line: 1) }
            return nil
        }
        guard case .object = value else { throw fail(key, "expected a mapping with path and format") }
        for field in value.keys where !["path", "format", "url", "columns", "records", "labels"].contains(field) {
            throw fail("\(key).\(field)", "unknown dataset setting; use path, format, url, columns, records, labels")
        }
        let path = try string("\(key).path", in: value)
        let formatName = try string("\(key).format", in: value, default: Self.guessFormat(path))
        guard let format = DatasetSpec.Format(rawValue: formatName) else {
            throw fail("\(key).format", "unknown format '\(formatName)'; use jsonl, json, csv or lines")
        }
        var columns: [String]? = nil
        if let list = value["columns"] {
            guard case .array(let items) = list else { throw fail("\(key).columns", "expected a list of column names") }
            columns = items.map(\.displayText)
        }
        var labels: DatasetSpec.LabelsSpec? = nil
        if let spec = value["labels"] {
            labels = DatasetSpec.LabelsSpec(
                path: try string("\(key).labels.path", in: spec), url: spec["url"]?.displayText,
                field: try string("\(key).labels.field", in: spec, default: "label"))
        }
        return DatasetSpec(
            path: path, format: format, url: value["url"]?.displayText, columns: columns,
            records: value["records"]?.displayText, labels: labels)
    }

    static func guessFormat(_ path: String) -> String {
        if path.hasSuffix(".jsonl") { return "jsonl" }
        if path.hasSuffix(".json") { return "json" }
        if path.hasSuffix(".csv") { return "csv" }
        return "lines"
    }

    private func metrics(outputType: BenchOutputType) throws -> [MetricSpec] {
        let known = Self.knownMetrics[outputType] ?? []
        guard let list = root["metric_list"] else {
            return (outputType == .multipleChoice ? ["acc"] : known).map {
                MetricSpec(name: $0, higherIsBetter: !$0.contains("perplexity") && $0 != "bits_per_byte")
            }
        }
        guard case .array(let items) = list else { throw fail("metric_list", "expected a list of metrics") }
        return try items.map { item in
            let name = item["metric"]?.displayText ?? item.displayText
            guard known.contains(name) else {
                let close = closeMatches(for: name, among: known)
                let hint = close.isEmpty ? "" : " (did you mean \(close.joined(separator: " or "))?)"
                throw fail(
                    "metric_list",
                    "metric '\(name)' is not available for \(outputType.rawValue)\(hint); known: \(known.joined(separator: ", "))"
                )
            }
            var spec = MetricSpec(name: name, higherIsBetter: !name.contains("perplexity") && name != "bits_per_byte")
            if case .bool(let higher)? = item["higher_is_better"] { spec.higherIsBetter = higher }
            if case .bool(let flag)? = item["ignore_case"] { spec.ignoreCase = flag }
            if case .bool(let flag)? = item["ignore_punctuation"] { spec.ignorePunctuation = flag }
            if case .array(let patterns)? = item["regexes_to_ignore"] {
                spec.regexesToIgnore = patterns.map(\.displayText)
            }
            return spec
        }
    }

    private func filters() throws -> [ExtractionFilter] {
        guard let list = root["filter_list"] else { return [] }
        guard case .array(let items) = list else { throw fail("filter_list", "expected a list of filters") }
        return try items.map { item in
            guard let name = item["name"]?.displayText else { throw fail("filter_list", "every filter needs a name") }
            guard let pattern = item["regex"]?.displayText else {
                throw fail("filter_list", "filter '\(name)' needs a regex")
            }
            var filter = ExtractionFilter(name: name, pattern: pattern)
            if let group = item["group_select"]?.intValue { filter.groupSelect = group }
            if let fallback = item["fallback"]?.displayText { filter.fallback = fallback }
            do {
                _ = try AnswerExtractor.regex(pattern)
            } catch {
                throw fail("filter_list", "filter '\(name)': invalid regular expression '\(pattern)'")
            }
            return filter
        }
    }

    private func generation() throws -> GenerationSpec {
        var spec = GenerationSpec()
        guard let kwargs = root["generation_kwargs"] else { return spec }
        if case .array(let stops)? = kwargs["until"] { spec.until = stops.map(\.displayText) }
        if let maxTokens = kwargs["max_gen_toks"]?.intValue { spec.maxTokens = maxTokens }
        if let temperature = kwargs["temperature"]?.doubleValue { spec.temperature = temperature }
        return spec
    }

    private func configJSON(name: String) -> JSONValue {
        guard case .object(let pairs) = root else { return root }
        return .object(pairs.filter { !["subtasks", "group_alias", "subgroup_alias"].contains($0.0) })
    }
}
