/// Namespace for the ProctorMetrics module.
public enum ProctorMetrics {}
