import Foundation
import ProctorCore
import Yams

/// How a judge grades.
public enum JudgeMode: String, Sendable, Hashable, Codable, CaseIterable {
    /// One answer per call, one score.
    case single
    /// All models' answers to one question in one call, one JSON object of scores.
    case batch
    /// Two answers per call, a verdict; each pair judged in both orders.
    case pairwise
    /// One answer per call against named criteria; Proctor computes the weighted total.
    case rubric
}

/// One rubric criterion: a name the judge answers under, its scale and its weight.
public struct RubricCriterion: Sendable, Hashable, Codable {
    public var name: String
    public var description: String
    public var min: Double
    public var max: Double
    public var weight: Double

    public init(name: String, description: String, min: Double = 1, max: Double = 5, weight: Double = 1) {
        self.name = name
        self.description = description
        self.min = min
        self.max = max
        self.weight = weight
    }

    public var scale: JudgeScale { JudgeScale(min: min, max: max) }

    enum CodingKeys: String, CodingKey { case name, description, min, max, weight }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decode(String.self, forKey: .name)
        description = try c.decodeIfPresent(String.self, forKey: .description) ?? ""
        min = try c.decodeIfPresent(Double.self, forKey: .min) ?? 1
        max = try c.decodeIfPresent(Double.self, forKey: .max) ?? 5
        weight = try c.decodeIfPresent(Double.self, forKey: .weight) ?? 1
    }
}

/// Prices in US dollars per million tokens.
public struct TokenPrices: Sendable, Hashable, Codable {
    public var input: Double
    public var output: Double

    public init(input: Double = 0, output: Double = 0) {
        self.input = input
        self.output = output
    }
}

/// A judge's configuration, read from YAML or JSON. Every field has a default, so an empty
/// file is MT-Bench's single grading.
///
/// ```yaml
/// model: openai:gpt-4o-mini        # the judge (the --judge option wins)
/// mode: batch                      # single | batch | pairwise | rubric
/// prompts: mt-bench                # preset: mt-bench or book
/// templates: {batch: my-batch.txt} # override any slot with a template file
/// scale: {min: 1, max: 10}
/// temperature: 0
/// seed: 0
/// max_tokens: 1024
/// prices: {input: 0.15, output: 0.60}
/// ```
public struct JudgeConfig: Sendable, Hashable, Codable {
    public var name: String?
    public var model: String?
    public var mode: JudgeMode
    public var prompts: String
    public var templates: [String: String]
    public var scale: JudgeScale
    /// The reply form: `rating`, `verdict` or `json`; derived from the mode when left out.
    public var parser: String?
    public var temperature: Double
    public var seed: UInt64
    public var maxTokens: Int
    /// How many times to ask again when a reply cannot be read (single and rubric).
    public var reasks: Int
    public var prices: TokenPrices
    public var rubric: [RubricCriterion]
    /// Seed of the per-question shuffle that anonymises models in batch mode.
    public var shuffleSeed: UInt64

    enum CodingKeys: String, CodingKey {
        case name, model, mode, prompts, templates, scale, parser, temperature, seed, reasks, prices, rubric
        case maxTokens = "max_tokens"
        case shuffleSeed = "shuffle_seed"
    }

    public init(
        name: String? = nil, model: String? = nil, mode: JudgeMode = .single, prompts: String = "mt-bench",
        templates: [String: String] = [:], scale: JudgeScale = .tenPoint, parser: String? = nil,
        temperature: Double = 0, seed: UInt64 = 0, maxTokens: Int = 1024, reasks: Int = 0,
        prices: TokenPrices = TokenPrices(), rubric: [RubricCriterion] = [], shuffleSeed: UInt64 = 0
    ) {
        self.name = name
        self.model = model
        self.mode = mode
        self.prompts = prompts
        self.templates = templates
        self.scale = scale
        self.parser = parser
        self.temperature = temperature
        self.seed = seed
        self.maxTokens = maxTokens
        self.reasks = reasks
        self.prices = prices
        self.rubric = rubric
        self.shuffleSeed = shuffleSeed
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let defaults = JudgeConfig()
        name = try c.decodeIfPresent(String.self, forKey: .name)
        model = try c.decodeIfPresent(String.self, forKey: .model)
        mode = try c.decodeIfPresent(JudgeMode.self, forKey: .mode) ?? defaults.mode
        prompts = try c.decodeIfPresent(String.self, forKey: .prompts) ?? defaults.prompts
        templates = try c.decodeIfPresent([String: String].self, forKey: .templates) ?? [:]
        parser = try c.decodeIfPresent(String.self, forKey: .parser)
        temperature = try c.decodeIfPresent(Double.self, forKey: .temperature) ?? defaults.temperature
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? defaults.seed
        maxTokens = try c.decodeIfPresent(Int.self, forKey: .maxTokens) ?? defaults.maxTokens
        reasks = try c.decodeIfPresent(Int.self, forKey: .reasks) ?? defaults.reasks
        prices = try c.decodeIfPresent(TokenPrices.self, forKey: .prices) ?? defaults.prices
        rubric = try c.decodeIfPresent([RubricCriterion].self, forKey: .rubric) ?? []
        shuffleSeed = try c.decodeIfPresent(UInt64.self, forKey: .shuffleSeed) ?? defaults.shuffleSeed
        scale = try c.decodeIfPresent(JudgeScale.self, forKey: .scale) ?? (prompts == "book" ? .percent : .tenPoint)
    }

    /// Reads a YAML or JSON config file and checks it.
    public static func load(path: String) throws -> JudgeConfig {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else { throw ProctorError.fileNotFound(path, what: "judge config") }
        let config: JudgeConfig
        do {
            config = try YAMLDecoder().decode(JudgeConfig.self, from: text.isEmpty ? "{}" : text)
        } catch let error as DecodingError {
            throw ProctorError.invalidValue(Self.field(of: error), Self.detail(of: error), file: path)
        } catch {
            throw ProctorError.invalidJSON(file: path, line: nil, detail: "not valid YAML or JSON: \(error)")
        }
        try config.validate(source: path)
        return config
    }

    /// Checks what cannot be checked by decoding: scale, rubric weights, parser name, mode.
    public func validate(source: String? = nil) throws {
        guard scale.min.isFinite, scale.max.isFinite, scale.min < scale.max else {
            throw ProctorError.invalidValue("scale", "min must be below max (got \(scale))", file: source)
        }
        if let parser, !["rating", "verdict", "json"].contains(parser) {
            throw ProctorError.invalidValue("parser", "'\(parser)' is not rating, verdict or json", file: source)
        }
        if maxTokens <= 0 { throw ProctorError.invalidValue("max_tokens", "must be at least 1", file: source) }
        if temperature < 0 { throw ProctorError.invalidValue("temperature", "cannot be negative", file: source) }
        if reasks < 0 { throw ProctorError.invalidValue("reasks", "cannot be negative", file: source) }
        if prices.input < 0 || prices.output < 0 {
            throw ProctorError.invalidValue("prices", "prices cannot be negative", file: source)
        }
        for key in templates.keys where JudgeSlot(rawValue: key) == nil {
            throw ProctorError.invalidValue(
                "templates",
                "unknown slot '\(key)' (known: \(JudgeSlot.allCases.map(\.rawValue).joined(separator: ", ")))",
                file: source)
        }
        if mode == .rubric {
            guard !rubric.isEmpty else {
                throw ProctorError.invalidValue("rubric", "rubric mode needs at least one criterion", file: source)
            }
            var names: Set<String> = []
            for (index, criterion) in rubric.enumerated() {
                if criterion.name.isEmpty || !names.insert(criterion.name).inserted {
                    throw ProctorError.invalidValue(
                        "rubric[\(index)].name", "criterion names must be non-empty and distinct", file: source)
                }
                if !(criterion.min < criterion.max) {
                    throw ProctorError.invalidValue(
                        "rubric[\(index)]", "min must be below max for '\(criterion.name)'", file: source)
                }
                if !criterion.weight.isFinite || criterion.weight < 0 {
                    throw ProctorError.invalidValue(
                        "rubric[\(index)].weight", "weights must be zero or positive numbers", file: source)
                }
            }
            let total = rubric.reduce(0) { $0 + $1.weight }
            guard total > 0 else {
                throw ProctorError.invalidValue(
                    "rubric.weight", "the criterion weights sum to \(total); they must sum to a positive number",
                    file: source)
            }
        }
    }

    /// The prompts: the preset, with any slot replaced by its template file.
    public func promptSet(relativeTo folder: String? = nil) throws -> JudgePromptSet {
        var set = try JudgePromptSet.preset(prompts)
        for (key, path) in templates {
            guard let slot = JudgeSlot(rawValue: key) else { continue }
            let resolved =
                path.hasPrefix("/") || folder == nil
                ? path : URL(fileURLWithPath: folder!).appendingPathComponent(path).path
            set.prompts[slot] = try JudgePrompt(contentsOf: resolved, required: slot.required)
        }
        return set
    }

    /// Generation settings for one judge call; `repeatIndex` moves the seed so repeats differ.
    public func settings(repeatIndex: Int) -> GenerationSettings {
        GenerationSettings(maxTokens: maxTokens, temperature: temperature, seed: seed &+ UInt64(repeatIndex))
    }

    private static func field(of error: DecodingError) -> String {
        let path: [any CodingKey]
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            path = context.codingPath
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        @unknown default: path = []
        }
        let text = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }.joined(separator: ".")
        return text.isEmpty ? "config" : text.replacingOccurrences(of: ".[", with: "[")
    }

    private static func detail(of error: DecodingError) -> String {
        switch error {
        case .typeMismatch(let type, let context): return "expected \(type): \(context.debugDescription)"
        case .valueNotFound(_, let context): return context.debugDescription
        case .keyNotFound(let key, _): return "missing '\(key.stringValue)'"
        case .dataCorrupted(let context): return context.debugDescription
        @unknown default: return "\(error)"
        }
    }
}
