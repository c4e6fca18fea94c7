/// Namespace for the ProctorJudge module.
public enum ProctorJudge {}
