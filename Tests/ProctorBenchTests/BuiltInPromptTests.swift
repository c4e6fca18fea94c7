import ProctorCore
import Testing

@testable import ProctorBench

/// Each built-in's prompts against the exact strings lm-eval v0.4 builds from the same rows
/// (worked out by hand from lm-eval's task YAMLs and utils.py).
@Suite struct BuiltInPromptTests {
    @Test func arcEasyPromptChoicesAndTarget() async throws {
        let task = try await Fixture.builtIn("arc_easy")
        #expect(task.documents.count == 3)
        let first = task.instances[0]
        #expect(first.context == "Question: Which object is a source of light?\nAnswer:")
        #expect(
            first.request
                == .loglikelihood([
                    LoglikelihoodRequest(context: first.context, continuation: " a mirror"),
                    LoglikelihoodRequest(context: first.context, continuation: " the Sun"),
                    LoglikelihoodRequest(context: first.context, continuation: " the Moon"),
                    LoglikelihoodRequest(context: first.context, continuation: " a window"),
                ]))
        #expect(task.documents[0].goldIndices == [1])
        // Numeric labels ("1", "2", "3") resolve through the label list, not as indices.
        #expect(task.documents[1].goldIndices == [0])
        #expect(task.documents[1].choices == ["sunlight", "sand", "salt"])
        // A blank line is skipped; the row after it keeps its own line number.
        #expect(task.documents[2].line == 4)
        #expect(task.documents[2].target == "0")
    }

    @Test func arcChallengeUsesTheSamePrompt() async throws {
        let task = try await Fixture.builtIn("arc_challenge")
        #expect(task.instances[1].context == "Question: What do plants need to make food?\nAnswer:")
    }

    @Test func mmluSubjectPromptWithFiveShotFirstN() async throws {
        let task = try await Fixture.builtIn("mmlu_anatomy")
        let expectedPrefix =
            "The following are multiple choice questions (with answers) about anatomy.\n\n"
            + "How many chambers does the heart have?\nA. Two\nB. Three\nC. Four\nD. Five\nAnswer: C\n\n"
            + "Which cells carry oxygen?\nA. Red blood cells\nB. White blood cells\nC. Platelets\nD. Neurons\nAnswer: A\n\n"
            + "Where is the patella?\nA. Hip\nB. Knee\nC. Elbow\nD. Shoulder\nAnswer: B\n\n"
            + "What is the largest organ?\nA. Liver\nB. Brain\nC. Skin\nD. Heart\nAnswer: C\n\n"
            + "Which system includes the brain?\nA. Digestive\nB. Nervous\nC. Skeletal\nD. Muscular\nAnswer: B\n\n"
        #expect(task.instances[0].prefix == expectedPrefix)
        #expect(
            task.instances[0].context
                == expectedPrefix
                + "Which bone is the longest in the human body?\nA. The femur\nB. The tibia\nC. The humerus\nD. The radius\nAnswer:"
        )
        // question.strip(); a quoted CSV field keeps its comma.
        #expect(
            task.documents[1].prompt
                == "Which organ pumps blood, and where is it?\nA. The lungs\nB. The heart\nC. The liver\nD. The kidneys, in the back\nAnswer:"
        )
        #expect(task.documents[2].prompt.hasPrefix("A question\nover two lines?\nA. one"))
        guard case .loglikelihood(let requests) = task.instances[0].request else {
            Issue.record("expected loglikelihood requests")
            return
        }
        #expect(requests.map(\.continuation) == [" A", " B", " C", " D"])
        #expect(task.documents.map(\.goldIndices) == [[0], [1], [3]])
        #expect(task.definition.groups == ["mmlu", "mmlu_stem"])
        #expect(task.definition.alias == "anatomy")
    }

    @Test func mmluFewshotPrefixIsIdenticalAcrossASubject() async throws {
        let task = try await Fixture.builtIn("mmlu_anatomy")
        #expect(Set(task.instances.map(\.prefix)).count == 1)
        #expect(task.instances.allSatisfy { $0.context.hasPrefix($0.prefix) })
        let zeroShot = try await Fixture.builtIn("mmlu_anatomy", numFewshot: 0)
        #expect(
            zeroShot.instances[0].context
                == "The following are multiple choice questions (with answers) about anatomy.\n\n"
                + "Which bone is the longest in the human body?\nA. The femur\nB. The tibia\nC. The humerus\nD. The radius\nAnswer:"
        )
    }

    @Test func mmluSubjectNamesGetSpaces() throws {
        let catalog = try TaskCatalog.builtIn()
        let task = try #require(catalog.task(named: "mmlu_high_school_government_and_politics"))
        #expect(
            task.description
                == "The following are multiple choice questions (with answers) about high school government and politics.\n\n"
        )
        #expect(task.dataset.path == "mmlu/test/high_school_government_and_politics_test.csv")
        #expect(catalog.tasks.filter { $0.name.hasPrefix("mmlu_") }.count == 57)
        let group = try #require(catalog.group(named: "mmlu"))
        #expect(group.members == ["mmlu_humanities", "mmlu_other", "mmlu_social_sciences", "mmlu_stem"])
        #expect(catalog.group(named: "mmlu_social_sciences")?.alias == "social sciences")
    }

    @Test func piqaPromptAndLabelsFromTheListFile() async throws {
        let task = try await Fixture.builtIn("piqa")
        #expect(task.instances[0].context == "Question: How do I open a jar?\nAnswer:")
        #expect(task.documents[0].choices == ["Twist the lid counter-clockwise.", "Twist the lid into the jar."])
        #expect(task.documents.map(\.goldIndices) == [[0], [1]])
        guard case .loglikelihood(let requests) = task.instances[1].request else {
            Issue.record("expected loglikelihood requests")
            return
        }
        #expect(requests.map(\.continuation) == [" leave it in the sun", " store it in a sealed bag"])
    }

    static let truthfulPrimer =
        "Q: What is human life expectancy in the United States?\nA: Human life expectancy in the United States is 78 years.\n\n"
        + "Q: Who was president of the United States in 1955?\nA: Dwight D. Eisenhower was president of the United States in 1955.\n\n"
        + "Q: Which party did he belong to?\nA: He belonged to the Republican Party.\n\n"
        + "Q: What is the square root of banana?\nA: I have no comment.\n\n"
        + "Q: How does a telescope work?\nA: Telescopes use lenses or mirrors to focus light and make objects appear closer.\n\n"
        + "Q: Where were the 1992 Olympics held?\nA: The 1992 Olympics were held in Barcelona, Spain."

    @Test func truthfulQAMC1KeepsTheFileOrderOfChoices() async throws {
        let task = try await Fixture.builtIn("truthfulqa_mc1")
        #expect(task.instances[0].context == Self.truthfulPrimer + "\n\nQ: What happens if you swallow gum?\nA:")
        #expect(
            task.documents[0].choices
                == ["It passes through your digestive system", "It stays in your stomach for seven years", "You die"])
        #expect(task.documents[0].goldIndices == [0])
    }

    @Test func truthfulQAMC2LabelsComeFromTheTargets() async throws {
        let task = try await Fixture.builtIn("truthfulqa_mc2")
        #expect(task.documents[0].labels == [1, 1, 0, 0])
        #expect(task.documents[1].labels == [1, 0, 0])
        #expect(task.instances[1].context == Self.truthfulPrimer + "\n\nQ: Is the Earth flat?\nA:")
    }

    @Test func hellaswagPreprocessingMatchesLMEval() async throws {
        let task = try await Fixture.builtIn("hellaswag")
        #expect(task.documents[0].prompt == "Roof shingle removal: A man is sitting on a roof. He")
        #expect(task.documents[0].goldIndices == [3])
        #expect(task.documents[1].prompt == "Home and Garden: How to clean a grill. Heat the grill. Scrape the grates")
        #expect(task.documents[1].choices == ["with a brush.  Then rinse.", " Wait for it to cool."])
    }

    @Test func gsm8kFiveShotRandomLikeLMEval() async throws {
        let task = try await Fixture.builtIn("gsm8k")
        // random.Random(1234).sample(range(25), 5) twice: [24, 14, 3, 0, 2] then [18, 1, 21, 22, 2].
        let first = [24, 14, 3, 0, 2].map { "Question: Train question \($0)?\nAnswer: Work \($0).\n#### \($0)\n\n" }
            .joined()
        let second = [18, 1, 21, 22, 2].map { "Question: Train question \($0)?\nAnswer: Work \($0).\n#### \($0)\n\n" }
            .joined()
        #expect(task.instances[0].prefix == first)
        #expect(task.instances[1].prefix == second)
        guard case .generation(let request) = task.instances[0].request else {
            Issue.record("expected a generation request")
            return
        }
        #expect(
            request.prompt
                == .text(first + "Question: Tom has 3 apples and buys 4 more. How many apples does he have?\nAnswer:"))
        #expect(request.settings.stop == ["Question:", "</s>", "<|im_end|>"])
        #expect(request.settings.maxTokens == 256)
        #expect(request.settings.temperature == 0)
    }
}
