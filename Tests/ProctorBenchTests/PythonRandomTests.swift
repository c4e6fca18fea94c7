import Testing

@testable import ProctorBench

/// Values printed by CPython 3 for the same seeds and calls.
@Suite struct PythonRandomTests {
    @Test func getrandbitsMatchesCPython() {
        var random = PythonRandom(seed: 1234)
        #expect(random.getrandbits(32) == 4_150_886_329)
        #expect(random.getrandbits(32) == 3_342_196_574)
    }

    @Test func sampleFromALargePopulationUsesTheSetMethod() {
        var random = PythonRandom(seed: 1234)
        #expect(random.sampleIndices(populationSize: 7473, count: 5) == [6374, 3610, 957, 61, 742])
        #expect(random.sampleIndices(populationSize: 7473, count: 5) == [7462, 6610, 4769, 286, 5501])
    }

    @Test func sampleFromASmallPopulationUsesThePoolMethod() {
        var random = PythonRandom(seed: 42)
        #expect(random.sampleIndices(populationSize: 10, count: 3) == [1, 0, 4])
        #expect(random.sampleIndices(populationSize: 25, count: 5) == [7, 4, 23, 3, 21])
    }
}
