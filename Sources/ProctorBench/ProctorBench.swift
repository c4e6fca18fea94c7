/// Namespace for the ProctorBench module.
public enum ProctorBench {}
