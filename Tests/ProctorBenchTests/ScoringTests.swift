import Foundation
import ProctorCore
import Testing

@testable import ProctorBench

/// Per-sample scoring with made-up loglikelihoods and generations.
@Suite struct ScoringTests {
    @Test func accPicksTheLargestLoglikelihood() async throws {
        let task = try await Fixture.builtIn("arc_easy")
        let right = try task.score(task.instances[0], response: results([-3, -1, -2, -4]))
        #expect(right.metric("acc") == 1)
        #expect(right.prediction == "the Sun")
        let wrong = try task.score(task.instances[0], response: results([-1, -3, -2, -4]))
        #expect(wrong.metric("acc") == 0)
        #expect(wrong.prediction == "a mirror")
    }

    @Test func accNormDividesByCharacterLengthOfTheChoice() async throws {
        let task = try await Fixture.builtIn("arc_easy")
        // "a mirror" has 8 characters, "the Sun" (gold) 7: -4.0 beats -3.6 raw? No: -3.6 is larger,
        // so acc picks the gold; per character -4.0/8 = -0.5 beats -3.6/7 = -0.514, so acc_norm does not.
        let sample = try task.score(task.instances[0], response: results([-4.0, -3.6, -9, -9]))
        #expect(sample.metric("acc") == 1)
        #expect(sample.metric("acc_norm") == 0)
    }

    @Test func accNormFlipsTheAnswerWhenLengthsDiffer() throws {
        let file = try Fixture.taskFile(
            """
            task: lengths
            dataset: {path: x.jsonl}
            doc_to_text: "Q"
            doc_to_choice: "{{choices}}"
            doc_to_target: 1
            metric_list: [acc, acc_norm, acc_bytes]
            """)
        let rows = try Fixture.rows(#"{"choices": ["ab", "abcdefgh"]}"#)
        let task = try BenchTask(definition: file.tasks[0], rows: rows)
        // -2/2 = -1.0 vs -4/8 = -0.5: raw picks "ab", normalised picks the long gold choice.
        let sample = try task.score(task.instances[0], response: results([-2, -4]))
        #expect(sample.metric("acc") == 0)
        #expect(sample.metric("acc_norm") == 1)
        #expect(sample.metric("acc_bytes") == 1)
    }

    @Test func accBytesCountsUTF8BytesWhereAccNormCountsCharacters() throws {
        let file = try Fixture.taskFile(
            """
            task: bytes
            dataset: {path: x.jsonl}
            doc_to_text: "Q"
            doc_to_choice: "{{choices}}"
            doc_to_target: 0
            metric_list: [acc_norm, acc_bytes]
            """)
        // "ééé" is 3 characters but 6 bytes; "abcd" is 4 and 4.
        let rows = try Fixture.rows(#"{"choices": ["ééé", "abcd"]}"#)
        let task = try BenchTask(definition: file.tasks[0], rows: rows)
        // chars: -3/3 = -1.0 vs -3.6/4 = -0.9 → "abcd"; bytes: -3/6 = -0.5 vs -0.9 → "ééé".
        let sample = try task.score(task.instances[0], response: results([-3, -3.6]))
        #expect(sample.metric("acc_norm") == 0)
        #expect(sample.metric("acc_bytes") == 1)
    }

    @Test func mc2IsTheNormalisedMassOfTheTrueAnswers() async throws {
        let task = try await Fixture.builtIn("truthfulqa_mc2")
        let lls = [log(0.2), log(0.3), log(0.1), log(0.4)]
        let sample = try task.score(task.instances[0], response: results(lls))
        #expect(abs((sample.metric("acc") ?? 0) - 0.5) < 1e-12)
        // Only the labels before the first 0 count as true, as in lm-eval.
        #expect(abs(BenchTask.mc2([log(0.5), log(0.25), log(0.25)], labels: [1, 0, 1]) - 0.5) < 1e-12)
        // Very negative loglikelihoods do not underflow.
        #expect(abs(BenchTask.mc2([-2000, -2000], labels: [1, 0]) - 0.5) < 1e-12)
    }

    @Test func mc1ExactMatchUsesTheGreedyFlag() throws {
        let file = try Fixture.taskFile(
            """
            task: greedy
            dataset: {path: x.jsonl}
            doc_to_text: "Q"
            doc_to_choice: "{{c}}"
            doc_to_target: 0
            metric_list: [acc, exact_match]
            """)
        let task = try BenchTask(definition: file.tasks[0], rows: try Fixture.rows(#"{"c": ["x", "y"]}"#))
        #expect(try task.score(task.instances[0], response: results([-1, -2], greedy: [0])).metric("exact_match") == 1)
        #expect(try task.score(task.instances[0], response: results([-1, -2], greedy: [1])).metric("exact_match") == 0)
    }

    @Test func gsm8kStrictAndFlexibleExtraction() async throws {
        let task = try await Fixture.builtIn("gsm8k")
        let strict = try task.score(task.instances[0], response: .generation("3 + 4 = 7.\n#### 7\n\nQuestion: next"))
        #expect(strict.metric("exact_match,strict-match") == 1)
        #expect(strict.metric("exact_match,flexible-extract") == 1)
        #expect(strict.response == "3 + 4 = 7.\n#### 7\n\n")
        #expect(strict.filteredResponses.map(\.1) == ["7", "7"])

        let loose = try task.score(task.instances[0], response: .generation("He ends up with 7 apples in total"))
        #expect(loose.metric("exact_match,strict-match") == 0)
        #expect(loose.filteredResponses[0].1 == "[invalid]")
        #expect(loose.metric("exact_match,flexible-extract") == 1)

        // "$600." with commas and a dollar sign: both filters keep the formatting, the
        // exact-match regexes drop it on both sides.
        let money = try task.score(task.instances[1], response: .generation("So it costs $600.\n#### $600."))
        #expect(money.filteredResponses[0].1 == "[invalid]")  // "#### $" does not match the strict pattern
        #expect(money.filteredResponses[1].1 == "$600.")
        #expect(money.metric("exact_match,flexible-extract") == 1)
        let commas = try task.score(task.instances[1], response: .generation("#### 1,200 is wrong, it is 600"))
        #expect(commas.filteredResponses[0].1 == "1,200")
        #expect(commas.metric("exact_match,strict-match") == 0)
        #expect(commas.metric("exact_match,flexible-extract") == 1)
    }

    @Test func flexibleExtractTakesTheLastMatchAndItsNonEmptyGroup() {
        let filter = ExtractionFilter(name: "flexible-extract", pattern: "(-?[$0-9.,]{2,})|(-?[0-9]+)", groupSelect: -1)
        // Python: re.findall gives [('$1,200.50', ''), ('', '7'), ('42.', '')].
        #expect(AnswerExtractor.extract("The answer is $1,200.50 or 7 then 42.", filter: filter) == "42.")
        #expect(AnswerExtractor.extract("only 7 here", filter: filter) == "7")
        #expect(AnswerExtractor.extract("no digits", filter: filter) == "[invalid]")
        let first = ExtractionFilter(name: "first", pattern: "(-?[$0-9.,]{2,})|(-?[0-9]+)", groupSelect: 0)
        #expect(AnswerExtractor.extract("The answer is $1,200.50 or 7", filter: first) == "$1,200.50")
    }

    @Test func exactMatchAppliesLMEvalsIgnores() {
        let metric = MetricSpec(
            name: "exact_match", higherIsBetter: true, ignoreCase: true,
            regexesToIgnore: [",", "\\$", "(?s).*#### ", "\\.$"])
        #expect(
            AnswerExtractor.exactMatch(prediction: "$1,200.", reference: "work\nmore\n#### 1200", metric: metric) == 1)
        #expect(AnswerExtractor.exactMatch(prediction: "1200.5", reference: "#### 1200", metric: metric) == 0)
        let punctuation = MetricSpec(name: "exact_match", higherIsBetter: true, ignorePunctuation: true)
        #expect(AnswerExtractor.exactMatch(prediction: "a.b!", reference: "ab", metric: punctuation) == 1)
    }

    @Test func rollingPerplexityMetrics() throws {
        let file = try Fixture.taskFile(
            """
            task: text_ppl
            output_type: loglikelihood_rolling
            dataset: {path: x.jsonl}
            doc_to_target: "{{text}}"
            metric_list: [word_perplexity, byte_perplexity, bits_per_byte]
            """)
        let rows = try Fixture.rows("{\"text\": \"one two three\"}\n{\"text\": \"four  five\"}")
        let task = try BenchTask(definition: file.tasks[0], rows: rows)
        #expect(task.instances[1].request == .rolling("four  five"))
        let samples = [
            try task.score(
                task.instances[0], response: .rolling(RollingLoglikelihoodResult(logprob: -6, tokenCount: 3))),
            try task.score(
                task.instances[1], response: .rolling(RollingLoglikelihoodResult(logprob: -4, tokenCount: 2))),
        ]
        #expect(samples[0].rolling?.words == 3)
        #expect(samples[1].rolling?.words == 2)
        #expect(samples[1].rolling?.bytes == 10)
        let result = BenchAggregator.aggregate(task, samples: samples)
        let values = Dictionary(uniqueKeysWithValues: result.metrics.map { ($0.metric, $0) })
        #expect(abs(values["word_perplexity"]!.value - exp(10.0 / 5)) < 1e-9)
        #expect(abs(values["byte_perplexity"]!.value - exp(10.0 / 23)) < 1e-9)
        #expect(abs(values["bits_per_byte"]!.value - 10.0 / 23 / log(2.0)) < 1e-9)
        #expect(values["word_perplexity"]!.stderr == nil)
        #expect(values["word_perplexity"]!.higherIsBetter == false)
    }

    @Test func countWordsMatchesPythonSplit() {
        // len(re.split(r"\s+", " a b  c\n")) == 5 (empty strings at both ends count).
        #expect(BenchTask.countWords(" a b  c\n") == 5)
        #expect(BenchTask.countWords("one") == 1)
    }

    @Test func wrongResponseKindIsAnError() async throws {
        let task = try await Fixture.builtIn("arc_easy")
        #expect(throws: ProctorError.invalidArgument) { try task.score(task.instances[0], response: .generation("B")) }
        #expect(throws: ProctorError.invalidArgument) { try task.score(task.instances[0], response: results([-1])) }
    }
}
