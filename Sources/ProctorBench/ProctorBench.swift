/// Benchmarks in the manner of lm-evaluation-harness v0.4: declarative YAML task files,
/// dataset loading (local `--data-dir`, download cache), lm-eval-identical prompts, per-sample
/// scoring, aggregation with standard errors, and lm-eval's results layout.
///
/// The flow, for a CLI:
///
/// ```swift
/// var catalog = try TaskCatalog.builtIn()                   // + catalog.add(contentsOf: dir)
/// let selection = try catalog.resolve(["mmlu", "arc_easy"])  // groups expand; typos get suggestions
/// try BenchTask.validate(limit: limit, numFewshot: shots)
/// let resolver = DatasetResolver(dataDirectory: dataDir, downloader: offline ? nil : URLSessionDownloader(),
///                                logger: logger)
/// var tasks: [BenchTask] = []
/// for definition in selection.tasks {
///     tasks.append(try await BenchTask.load(definition, resolver: resolver, limit: limit, numFewshot: shots))
/// }
/// // Send the requests: BenchInstance.prefixBatches(task.instances) groups instances that share a
/// // few-shot prefix; each instance's `request` is .loglikelihood([...]) / .generation(...) / .rolling(text).
/// let sample = try task.score(instance, response: .loglikelihood(results))
/// let report = BenchReport(tasks: tasks, groups: selection.groups, samples: samplesByTask)
/// write(report.lmEvalJSON(config: ...).prettyText())            // results.json, lm-eval layout
/// write(BenchReport.sampleRecord(sample).compactText())          // one JSONL line per document
/// print(report.table())                                          // Task, Metric, Value, Stderr, N
/// ```
///
/// Main types: `TaskCatalog`, `TaskFile`, `TaskDefinition`, `TaskGroupDefinition`,
/// `DatasetSpec`, `DatasetResolver` (with the `DatasetDownloader` protocol and
/// `URLSessionDownloader`), `DatasetLoader`, `BenchTask`, `BenchDocument`, `BenchInstance`,
/// `BenchRequest`/`BenchResponse`, `SampleResult`, `BenchAggregator`, `BenchReport`,
/// `Template` (the task-file template language) and `JSONValue` (order-keeping JSON).
///
/// Apart from reading task and data files and the optional download, the module does no I/O.
public enum ProctorBench {}
