import ProctorCore
import Testing

@Suite struct PromptTests {
    @Test func alpacaPromptMatchesTheBook() {
        let withInput = InstructionItem(instruction: "Convert to passive.", input: "The cat ate.", output: "x")
        #expect(
            AlpacaPrompt.generationPrompt(withInput)
                == "Below is an instruction that describes a task. Write a response that appropriately completes "
                + "the request.\n\n### Instruction:\nConvert to passive.\n\n### Input:\nThe cat ate.\n\n### Response:\n"
        )
        let noInput = InstructionItem(instruction: "Name a colour.", output: "Red.")
        #expect(!AlpacaPrompt.formatInput(noInput).contains("### Input"))
    }

    @Test func judgePromptMatchesTheBook() throws {
        let item = InstructionItem(instruction: "Name a colour.", output: "Red.")
        let text = try AlpacaPrompt.defaultJudgeTemplate().render([
            "input": AlpacaPrompt.formatInput(item), "reference": item.output, "response": "Blue.",
        ])
        #expect(text.hasPrefix("Given the input `Below is an instruction"))
        #expect(
            text.hasSuffix(
                "and correct output `Red.`, score the model response `Blue.` on a scale from 0 to 100, where 100 is "
                    + "the best score. Respond with the integer number only."))
    }

    @Test func templateMissingAPlaceholderIsRejected() throws {
        let error = #expect(throws: ProctorError.self) {
            try PromptTemplate("Score {{response}} against {{reference}}.", required: AlpacaPrompt.judgePlaceholders)
        }
        #expect(error == .invalidTemplate)
        #expect(error?.field == "input")
    }

    @Test func templateFileMissingPlaceholderNamesTheFile() throws {
        let path = try fixture("judge.txt", "Rate {{response}}")
        let error = #expect(throws: ProctorError.self) {
            try PromptTemplate(contentsOf: path, required: AlpacaPrompt.judgePlaceholders)
        }
        #expect(error?.file == path)
    }

    @Test func renderReplacesAndRejectsUnknownNames() throws {
        let template = try PromptTemplate("a {{ x }} b {{y}}")
        #expect(try template.render(["x": "1", "y": "2"]) == "a 1 b 2")
        #expect(throws: ProctorError.self) { try template.render(["x": "1"]) }
    }

    @Test func cleanResponseDropsHeader() {
        #expect(AlpacaPrompt.cleanResponse("### Response:\n  Paris.\n") == "Paris.")
    }

    @Test func modelSpecs() throws {
        #expect(try ModelSpec(parsing: "gguf:/m/a.gguf") == .gguf(path: "/m/a.gguf"))
        #expect(try ModelSpec(parsing: "local:SmolLM2-135M-Instruct") == .local(name: "smollm2-135m-instruct"))
        #expect(
            try ModelSpec(parsing: "openai:gpt-4o")
                == .http(baseURL: "https://api.openai.com/v1", model: "gpt-4o", apiKeyEnv: "OPENAI_API_KEY"))
        #expect(
            try ModelSpec(parsing: "ollama:llama3")
                == .http(baseURL: "http://127.0.0.1:11434/v1", model: "llama3", apiKeyEnv: nil))
        #expect(
            try ModelSpec(parsing: "http://10.0.0.5:8000/v1/#meta/llama")
                == .http(baseURL: "http://10.0.0.5:8000/v1", model: "meta/llama", apiKeyEnv: nil))
        #expect(try ModelSpec(parsing: "gguf:/x/My Model.gguf").fileSlug == "My_Model")
        for bad in ["", "llama", "local:gpt5", "gguf:", "http://host:1/v1", "openai:"] {
            let error = #expect(throws: ProctorError.self) { try ModelSpec(parsing: bad) }
            #expect(error == .unknownModelSpec)
        }
    }
}
